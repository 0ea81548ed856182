import { createApp } from 'vue';
// Functional Vant APIs (toast, dialog, notify) are not components: their styles are imported here.
import 'vant/es/toast/style';
import 'vant/es/dialog/style';
import 'vant/es/notify/style';
import './style.css';
import App from './App.vue';
import { router } from './router';
import { i18n, applyLanguage, isLanguage } from './i18n';
import { api, hasBackend } from './api';
import { startStore, store } from './store';
import { lock, refreshLock } from './lock';

async function boot() {
  // `npm run dev` in a plain browser: use the in-memory fake backend of the browser tests.
  if (import.meta.env.DEV && !hasBackend()) {
    await import('../tests/fake/index.js');
  }
  const app = createApp(App);
  app.use(i18n).use(router);
  if (hasBackend()) {
    try {
      const settings = await api.settingsGet();
      applyLanguage(isLanguage(settings.language) ? settings.language : 'zh-CN');
    } catch {
      applyLanguage('zh-CN');
    }
    startStore()
      .then(() => refreshLock().catch(() => {}))
      .catch((e) => {
        // An encrypted store waits for its PIN: the lock screen opens it.
        if (e?.kind === 'locked') {
          lock.locked = true;
          return;
        }
        store.fatal = e?.message ?? String(e);
        store.ready = true;
      });
  } else {
    applyLanguage('zh-CN');
    store.fatal = i18n.global.t('errors.noBackend');
    store.ready = true;
  }
  app.mount('#app');
}

void boot();
