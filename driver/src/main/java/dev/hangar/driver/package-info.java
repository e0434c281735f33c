/**
 * The driver: {@link dev.hangar.driver.CloudProviderDriver} exposes the commands of the Cloud
 * Provider Standard, parses and validates their requests, dispatches actions to the backend that
 * the provider's Cloud Type and the action's deployment path select (see {@code spi}), and
 * assembles one result per action. It keeps no sandbox state between calls.
 */
package dev.hangar.driver;
