import { createI18n } from 'vue-i18n';
import { Locale } from 'vant';
import vantZh from 'vant/es/locale/lang/zh-CN';
import vantEn from 'vant/es/locale/lang/en-US';
import zh from './locales/zh-CN';
import en from './locales/en';
import type { Language } from './types';

export const LANGUAGES: Language[] = ['zh-CN', 'en'];

export const i18n = createI18n({
  legacy: false,
  locale: 'zh-CN',
  fallbackLocale: 'zh-CN',
  messages: { 'zh-CN': zh, en },
});

export function isLanguage(s: unknown): s is Language {
  return s === 'zh-CN' || s === 'en';
}

/** Switches vue-i18n, Vant's own texts and <html lang> at once. */
export function applyLanguage(lang: Language): void {
  i18n.global.locale.value = lang;
  if (lang === 'en') Locale.use('en-US', vantEn);
  else Locale.use('zh-CN', vantZh);
  document.documentElement.lang = lang;
  document.title = i18n.global.t('app.title');
}
