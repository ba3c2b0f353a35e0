export * from './bus-network-policy.js';
export * from './charts.js';
export * from './event-bus.js';
export * from './event-field.js';
export * from './event-source.js';
export * from './pipeline-sensor.js';
export * from './publisher.js';
export * from './sensor-trigger.js';
export { ConstructPropsError } from './validation.js';
