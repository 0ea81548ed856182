import { createRouter, createWebHashHistory, type RouteRecordRaw } from 'vue-router';
import Start from './views/Start.vue';
import Households from './views/Households.vue';

// Hash history: the webview loads index.html from disk, there is no server to rewrite paths.
const routes: RouteRecordRaw[] = [
  // The township's overview on a township device, the grid worker's home on any other.
  { path: '/', name: 'home', component: Start },
  { path: '/overview', name: 'overview', component: () => import('./views/Overview.vue') },
  { path: '/reports', name: 'reports', component: () => import('./views/Reports.vue') },
  { path: '/tasks', name: 'tasks', component: () => import('./views/Tasks.vue') },
  { path: '/import', name: 'import', component: () => import('./views/ImportRoster.vue') },
  {
    path: '/households',
    component: Households,
    children: [
      { path: '', name: 'households', component: () => import('./views/SelectHint.vue') },
      { path: 'new', name: 'household-new', component: () => import('./views/HouseholdForm.vue') },
      { path: ':id', name: 'household', component: () => import('./views/HouseholdDetail.vue') },
      { path: ':id/edit', name: 'household-edit', component: () => import('./views/HouseholdForm.vue') },
      { path: ':id/person/new', name: 'person-new', component: () => import('./views/PersonForm.vue') },
      { path: ':id/person/:pid/edit', name: 'person-edit', component: () => import('./views/PersonForm.vue') },
      { path: ':id/history/:rid', name: 'history', component: () => import('./views/History.vue') },
      { path: ':id/conflicts', name: 'household-conflicts', component: () => import('./views/Conflicts.vue') },
    ],
  },
  { path: '/isolation', name: 'cases', component: () => import('./views/Cases.vue') },
  { path: '/isolation/start/:personId', name: 'case-start', component: () => import('./views/CaseStart.vue') },
  { path: '/isolation/policies', name: 'policies', component: () => import('./views/Policies.vue') },
  { path: '/isolation/policies/:id', name: 'policy-edit', component: () => import('./views/PolicyEdit.vue') },
  { path: '/isolation/:id', name: 'case', component: () => import('./views/CaseDetail.vue') },
  { path: '/checkpoint', name: 'checkpoint', component: () => import('./views/Checkpoint.vue') },
  { path: '/checkpoint/rules', name: 'checkpoint-rules', component: () => import('./views/CheckpointRules.vue') },
  { path: '/checkpoint/:id/entries', name: 'checkpoint-entries', component: () => import('./views/CheckpointEntries.vue') },
  { path: '/conflicts', name: 'conflicts', component: () => import('./views/Conflicts.vue') },
  { path: '/coverage', name: 'coverage', component: () => import('./views/Coverage.vue') },
  { path: '/persons', name: 'persons', component: () => import('./views/Persons.vue') },
  { path: '/followups', name: 'follow-ups', component: () => import('./views/FollowUps.vue') },
  { path: '/duplicates', name: 'duplicates', component: () => import('./views/Duplicates.vue') },
  { path: '/settings', name: 'settings', component: () => import('./views/Settings.vue') },
  { path: '/devices', name: 'devices', component: () => import('./views/Devices.vue') },
  { path: '/:rest(.*)*', redirect: '/' },
];

export const router = createRouter({ history: createWebHashHistory(), routes });
