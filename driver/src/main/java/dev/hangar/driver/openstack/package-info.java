/**
 * The OpenStack backend (Cloud Type {@code OpenStack}): Nova servers for the deployment path
 * {@code OpenStack Instance}, through openstack4j. State lives in OpenStack: server metadata
 * (sandbox, app, actionId) and Neutron names and descriptions.
 */
package dev.hangar.driver.openstack;
