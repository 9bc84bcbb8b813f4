export * from './permissions';
export * from './access-file';
export * from './resolver';
export * from './scope';
