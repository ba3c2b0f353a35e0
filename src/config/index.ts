export * from './app.js';
export * from './defaults.js';
export * from './duration.js';
export * from './load.js';
export { deriveSensorName, SENSOR_NAME_SUFFIXES } from './names.js';
export * from './problems.js';
export * from './schema.js';
export { checkSemantics, sensorNameOf } from './semantic.js';
export * from './types.js';
