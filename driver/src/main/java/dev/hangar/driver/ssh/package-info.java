/**
 * SSH to hypervisor hosts through jsch: shared logins per target, local port forwarding to a
 * remote TCP port or unix socket ({@link dev.hangar.driver.ssh.SshTunnel}), and remote commands.
 * {@link dev.hangar.driver.ssh.SshSessions} is the entry point and owns every session, tunnel and
 * thread it starts.
 */
package dev.hangar.driver.ssh;
