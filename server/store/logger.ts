// The logging the store needs. Structural, so server/app passes its pino logger without the store
// importing anything outside server/store.
export interface StoreLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}
