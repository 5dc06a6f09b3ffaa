import type { ReactNode } from 'react';
import { onLinkClick } from '../router.ts';
import { Clock, ConnectionStatus, OutboxStatus } from './Status.tsx';
import { WhoAmI } from './Identity.tsx';

export function TopBar({ title, children }: { title: ReactNode; children?: ReactNode }) {
  return (
    <header className="topbar">
      <a href="/" className="brand" onClick={onLinkClick}>
        Pullboard
      </a>
      <h1 className="topbar-title">{title}</h1>
      <div className="topbar-tools">{children}</div>
      <Clock />
      <OutboxStatus />
      <ConnectionStatus />
      <WhoAmI />
    </header>
  );
}

export function NavLink({ href, children }: { href: string; children: ReactNode }) {
  const current = window.location.pathname === href;
  return (
    <a href={href} onClick={onLinkClick} className="navlink" aria-current={current ? 'page' : undefined}>
      {children}
    </a>
  );
}
