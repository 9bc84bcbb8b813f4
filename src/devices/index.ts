export {
  DeviceReader,
  DeviceUnavailable,
  MAX_SEARCH_OFFSET,
  NOT_YOURS_OR_MISSING,
  type DeviceReaderDeps,
} from './device-reader';
export { deviceContextOf, viewOfChrome, viewOfInventory, viewOfManaged, type DeviceView } from './device-view';
export { searchFilters } from './scoped-search';
export { statusWord } from './status-words';
