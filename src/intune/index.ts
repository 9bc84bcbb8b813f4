export * from './graph-http';
export * from './groups';
