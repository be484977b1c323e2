/** The service version, from the package it ships in. */
export const VERSION: string = (require('../../package.json') as { version: string }).version;
