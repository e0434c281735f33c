/**
 * The embedded default environment for demos and tests: the libvirt {@code test:///} driver
 * in-process and a private {@code ovsdb-server}, started and stopped by pid.
 */
package dev.hangar.driver.embedded;
