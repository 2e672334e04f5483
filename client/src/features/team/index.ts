export { AdminsOnlyNote } from './components/AdminsOnlyNote';
