import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { defineConfig, type Plugin } from 'vitest/config';
import vue from '@vitejs/plugin-vue';
import Components from 'unplugin-vue-components/vite';
import { VantResolver } from '@vant/auto-import-resolver';

/**
 * Vant ships its icon font as a data: URL with a CDN fallback. The app runs offline under a CSP
 * that allows fonts from 'self' only, so the font is written out as a file that Vite bundles
 * (dist/assets/vant-icon-*.woff2) and the CDN fallback is dropped.
 */
function vantIconFont(): Plugin {
  const cache = resolve(__dirname, 'node_modules/.cache/gridbook-ui');
  return {
    name: 'gridbook:vant-icon-font',
    enforce: 'pre',
    transform(code, id) {
      if (!/[\\/]vant[\\/](es|lib)[\\/]icon[\\/]index\.css$/.test(id)) return null;
      const m = /src:url\(data:font\/woff2;charset=utf-8;base64,([A-Za-z0-9+/=]+)\) format\("woff2"\)[^;}]*/.exec(code);
      if (!m) return null;
      mkdirSync(cache, { recursive: true });
      const file = join(cache, 'vant-icon.woff2');
      writeFileSync(file, Buffer.from(m[1], 'base64'));
      const rel = relative(dirname(id), file).split('\\').join('/');
      return { code: code.replace(m[0], `src:url("${rel}") format("woff2")`), map: null };
    },
  };
}

// The UI is served from local files inside the Tauri webview: relative base, no CDN.
export default defineConfig({
  base: './',
  plugins: [
    vantIconFont(),
    vue(),
    // Only the Vant components actually used end up in the bundle (with their CSS).
    Components({ resolvers: [VantResolver()], dts: 'src/components.d.ts' }),
  ],
  clearScreen: false,
  server: { port: 5173, strictPort: true },
  build: {
    outDir: 'dist',
    target: 'es2020',
    chunkSizeWarningLimit: 600,
  },
  test: {
    include: ['tests/unit/**/*.test.ts'],
    environment: 'node',
  },
});
