import type { ReactNode } from 'react';
import { onLinkClick } from '../router.ts';
import { Clock, ConnectionStatus, OutboxStatus } from './Status.tsx';
import { WhoAmI } from './Identity.tsx';
import { useTranslations } from 'use-intl';
import { LanguagePicker } from '../i18n/LanguagePicker.tsx';

export function TopBar({ title, children }: { title: ReactNode; children?: ReactNode }) {
  const t = useTranslations('common');
  return (
    <header className="topbar">
      <a href="/" className="brand" onClick={onLinkClick}>
        {t('appName')}
      </a>
      <h1 className="topbar-title">{title}</h1>
      <div className="topbar-tools">{children}</div>
      <Clock />
      <OutboxStatus />
      <ConnectionStatus />
      <LanguagePicker className="topbar-language" />
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
