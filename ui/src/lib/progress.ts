// How a download's progress reads: "12,3 Mo sur 45 Mo · 1,2 Mo/s · encore 30 s", in the
// interface's language.
import { formatPercent, formatSize, t } from '../i18n/index.svelte';
import type { DownloadView } from './types';

/** 0..1, or null when the size is not known yet. */
export function downloadFraction(d: Pick<DownloadView, 'bytes' | 'total' | 'state'>): number | null {
  if (d.state === 'done') return 1;
  if (!d.total || d.total <= 0) return null;
  return Math.min(1, Math.max(0, d.bytes / d.total));
}

/** "1,2 Mo/s" / "1.2 MB/s". */
export function formatSpeed(bytesPerSecond: number): string {
  return t('download.speed', { size: formatSize(Math.max(0, Math.round(bytesPerSecond))) });
}

/** Time left, rounded the way people say it: "encore 40 s", "encore 3 min", "encore 1 h 05". */
export function formatEta(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 5) return t('download.eta.moment');
  if (s < 60) return t('download.eta.seconds', { n: s < 20 ? s : Math.round(s / 5) * 5 });
  if (s < 3600) return t('download.eta.minutes', { n: Math.ceil(s / 60) });
  const h = Math.floor(s / 3600);
  const m = Math.round((s % 3600) / 60);
  return m === 0 || m === 60
    ? t('download.eta.hours', { h: m === 60 ? h + 1 : h })
    : t('download.eta.hoursMinutes', { h, m: String(m).padStart(2, '0') });
}

/** The amount: "12,3 Mo sur 45 Mo", or just "12,3 Mo" while the size is unknown. */
export function formatAmount(d: Pick<DownloadView, 'bytes' | 'total'>): string {
  return d.total ? t('download.amountOf', { done: formatSize(d.bytes), total: formatSize(d.total) }) : formatSize(d.bytes);
}

/** The line under a download's bar, by state. */
export function progressText(d: DownloadView): string {
  switch (d.state) {
    case 'running': {
      const parts = [formatAmount(d)];
      if (d.bytesPerSecond > 0) parts.push(formatSpeed(d.bytesPerSecond));
      if (d.etaSeconds !== null && d.bytesPerSecond > 0) parts.push(formatEta(d.etaSeconds));
      return parts.join(' · ');
    }
    case 'paused': {
      const f = downloadFraction(d);
      return f === null ? t('download.state.paused') : `${t('download.state.paused')} · ${formatPercent(f)} (${formatAmount(d)})`;
    }
    case 'queued':
      return d.bytes > 0 ? `${t('download.state.queued')} · ${formatAmount(d)}` : t('download.state.queued');
    case 'done':
      return d.total ? `${t('download.state.done')} · ${formatSize(d.total)}` : t('download.state.done');
    case 'failed':
      // The error says what went wrong; this line only says what is kept for the retry.
      return d.bytes > 0 && (d.total === null || d.bytes < d.total) ? t('download.kept', { amount: formatAmount(d) }) : '';
    case 'cancelled':
      return t('download.state.cancelled');
  }
}
