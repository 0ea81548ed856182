/// <reference types="vite/client" />

declare module '*.vue' {
  import type { DefineComponent } from 'vue';
  const component: DefineComponent<object, object, unknown>;
  export default component;
}

// The in-memory fake backend (JS modules, shared with the browser tests); dev mode only.
declare module '*/fake/index.js';
// The unit tests of the fakes import the backend and the checkpoint fake alone.
declare module '*/fake/backend/index.js';
declare module '*/fake/checkpoint/index.js';
