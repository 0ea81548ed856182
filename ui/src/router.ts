import { ref } from 'vue';
import { createRouter, createWebHashHistory, type RouteRecordRaw } from 'vue-router';
import Start from './views/Start.vue';
import Households from './views/Households.vue';

// Hash history: the webview loads index.html from disk, there is no server to rewrite paths.
// `byAddress`: a list that reads its unit and filters from the address when it opens; it opens
// afresh on every visit (a tab back to the whole list, another figure's list, the back
// button), while the address it rewrites itself (a replace) leaves it as it is (see `visit`).
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
  { path: '/isolation', name: 'cases', component: () => import('./views/Cases.vue'), meta: { byAddress: true } },
  { path: '/isolation/start/:personId', name: 'case-start', component: () => import('./views/CaseStart.vue') },
  { path: '/isolation/policies', name: 'policies', component: () => import('./views/Policies.vue') },
  { path: '/isolation/policies/:id', name: 'policy-edit', component: () => import('./views/PolicyEdit.vue') },
  { path: '/isolation/:id', name: 'case', component: () => import('./views/CaseDetail.vue') },
  { path: '/checkpoint', name: 'checkpoint', component: () => import('./views/Checkpoint.vue') },
  { path: '/checkpoint/rules', name: 'checkpoint-rules', component: () => import('./views/CheckpointRules.vue') },
  { path: '/checkpoint/:id/entries', name: 'checkpoint-entries', component: () => import('./views/CheckpointEntries.vue') },
  { path: '/conflicts', name: 'conflicts', component: () => import('./views/Conflicts.vue') },
  { path: '/coverage', name: 'coverage', component: () => import('./views/Coverage.vue'), meta: { byAddress: true } },
  { path: '/persons', name: 'persons', component: () => import('./views/Persons.vue'), meta: { byAddress: true } },
  { path: '/followups', name: 'follow-ups', component: () => import('./views/FollowUps.vue'), meta: { byAddress: true } },
  { path: '/duplicates', name: 'duplicates', component: () => import('./views/Duplicates.vue') },
  { path: '/settings', name: 'settings', component: () => import('./views/Settings.vue') },
  { path: '/devices', name: 'devices', component: () => import('./views/Devices.vue') },
  { path: '/:rest(.*)*', redirect: '/' },
];

export const router = createRouter({ history: createWebHashHistory(), routes });

/** Which visit of the history this is: a new one on every push and back or forward, the same
 * when a view rewrites its own address (a replace keeps the history's position). */
export const visit = ref(0);
router.afterEach((_to, _from, failure) => {
  if (!failure) visit.value = Number(window.history.state?.position ?? 0);
});
