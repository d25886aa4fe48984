/** The binding model shared by registration and the engine: options, bindings and their small languages. */
export * from './options';
export * from './optionRules';
export * from './properties';
export * from './expressions';
export * from './queryParameters';
export * from './routes';
export * from './engineContract';
export { KustoBindingError, KustoConfigurationError } from './errors';
export { DELIMITERS, isDelimitedFormat, toDelimitedText } from './delimited';
export {
  isKustoEmulatorSetting,
  KUSTO_EMULATOR_SETTING,
  readAppSetting,
  readSetting,
  type AppSetting,
} from './appSettings';
export {
  REGISTRATION_OBSERVER,
  registrationObserver,
  type ObservedFunction,
  type ObservedKustoBinding,
  type RegistrationObserver,
  type RowPropertyDescription,
  type RowTypeDescription,
} from './registrationObserver';
