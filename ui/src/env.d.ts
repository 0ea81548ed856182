/// <reference types="vite/client" />

declare module '*.vue' {
  import type { DefineComponent } from 'vue';
  const component: DefineComponent<object, object, unknown>;
  export default component;
}

// The in-memory fake backend (plain JS, shared with the browser tests); dev mode only.
declare module '*/fake-backend.js';
declare module '*/fake-isolation.js';
declare module '*/fake-checkpoint.js';
declare module '*/fake-reports.js';
declare module '*/fake-lock.js';
declare module '*/fake-devices.js';
declare module '*/fake-files.js';
declare module '*/fake-duplicates.js';
