export { SessionEndedDialog } from './components/SessionEndedDialog';
