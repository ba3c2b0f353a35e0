export * from './app.js';
export * from './defaults.js';

export * from './load.js';
export { deriveSensorName, SENSOR_NAME_SUFFIXES, sensorNameOf } from './names.js';
export * from './problems.js';
export * from './reference.js';
export * from './schema.js';
export { checkSemantics } from './semantic.js';
export * from './types.js';
