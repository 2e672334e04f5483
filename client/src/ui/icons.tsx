import type { ReactNode } from 'react';

const Icon = ({ children }: { children: ReactNode }) => (
  <svg
    viewBox="0 0 16 16"
    width="16"
    height="16"
    fill="none"
    stroke="currentColor"
    strokeWidth="1.4"
    strokeLinecap="round"
    strokeLinejoin="round"
    aria-hidden="true"
  >
    {children}
  </svg>
);

export const KeyIcon = () => (
  <Icon>
    <circle cx="5.5" cy="8" r="3" />
    <path d="M8.5 8h6M12.5 8v2.5" />
  </Icon>
);
export const AuditIcon = () => (
  <Icon>
    <path d="M8 1.5 13.5 3.5v4c0 3.2-2.3 5.8-5.5 7-3.2-1.2-5.5-3.8-5.5-7v-4L8 1.5Z" />
    <path d="M5.8 8.2 7.4 9.8l2.9-3.1" />
  </Icon>
);
export const LogsIcon = () => (
  <Icon>
    <path d="M2.5 3.5h11M2.5 8h11M2.5 12.5h7" />
  </Icon>
);
export const GlobeIcon = () => (
  <Icon>
    <circle cx="8" cy="8" r="6" />
    <path d="M2 8h12M8 2c1.8 1.7 2.6 3.7 2.6 6S9.8 12.3 8 14M8 2C6.2 3.7 5.4 5.7 5.4 8s.8 4.3 2.6 6" />
  </Icon>
);
export const DownloadIcon = () => (
  <Icon>
    <path d="M8 2.5v8M4.5 7 8 10.5 11.5 7M2.5 13.5h11" />
  </Icon>
);
export const UsersIcon = () => (
  <Icon>
    <circle cx="6" cy="5.5" r="2.5" />
    <path d="M1.5 13.5c.5-2.3 2.2-3.5 4.5-3.5s4 1.2 4.5 3.5M10.5 3.2a2.5 2.5 0 0 1 0 4.6M12 10.2c1.3.5 2.1 1.6 2.5 3.3" />
  </Icon>
);
export const UserIcon = () => (
  <Icon>
    <circle cx="8" cy="5.5" r="2.75" />
    <path d="M2.5 14c.6-2.6 2.7-4 5.5-4s4.9 1.4 5.5 4" />
  </Icon>
);
export const SignOutIcon = () => (
  <Icon>
    <path d="M6 13.5H3.5a1 1 0 0 1-1-1v-9a1 1 0 0 1 1-1H6M10.5 11 13.5 8l-3-3M13.5 8H6" />
  </Icon>
);
export const MailIcon = () => (
  <Icon>
    <rect x="2" y="3.5" width="12" height="9" rx="1.5" />
    <path d="m2.5 4.5 5.5 4 5.5-4" />
  </Icon>
);
export const ContactsIcon = () => (
  <Icon>
    <rect x="2.5" y="2" width="11" height="12" rx="1.5" />
    <circle cx="8" cy="6.5" r="2" />
    <path d="M5 11.5c.5-1.4 1.6-2.2 3-2.2s2.5.8 3 2.2" />
  </Icon>
);
export const BroadcastIcon = () => (
  <Icon>
    <path d="M2.5 6.5v3h2l5 3v-9l-5 3h-2ZM12 6a2.8 2.8 0 0 1 0 4" />
  </Icon>
);
