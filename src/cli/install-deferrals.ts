import { deferModules } from './defer-modules';

// Imported first by main.ts: imports run in order, so this is in place before anything it defers is required.
deferModules();
