package dev.hangar.driver.kvm;

import dev.hangar.driver.BackendException;
import dev.hangar.driver.ClientException;
import java.util.Set;
import org.libvirt.Error.ErrorDomain;
import org.libvirt.Error.ErrorNumber;
import org.libvirt.LibvirtException;

/** Turns libvirt errors into Hangar's: what failed, where, and whether it is worth retrying. */
final class LibvirtErrors {
  private static final Set<ErrorNumber> GONE = Set.of(ErrorNumber.VIR_ERR_NO_DOMAIN,
      ErrorNumber.VIR_ERR_NO_STORAGE_VOL, ErrorNumber.VIR_ERR_NO_DOMAIN_METADATA);
  private static final Set<ErrorNumber> UNREACHABLE = Set.of(ErrorNumber.VIR_ERR_RPC,
      ErrorNumber.VIR_ERR_SYSTEM_ERROR, ErrorNumber.VIR_ERR_OPERATION_TIMEOUT,
      ErrorNumber.VIR_ERR_NO_CONNECT, ErrorNumber.VIR_ERR_INVALID_CONN);
  private static final Set<ErrorNumber> UNSUPPORTED = Set.of(ErrorNumber.VIR_ERR_NO_SUPPORT,
      ErrorNumber.VIR_ERR_OPERATION_UNSUPPORTED, ErrorNumber.VIR_ERR_INVALID_ARG);

  private LibvirtErrors() {}

  static boolean isGone(LibvirtException e) {
    return e.getError() != null && GONE.contains(e.getError().getCode());
  }

  static boolean isUnsupported(LibvirtException e) {
    return e.getError() != null && UNSUPPORTED.contains(e.getError().getCode());
  }

  static boolean isUnreachable(LibvirtException e) {
    return isConnectionLost(e)
        || e.getError() != null && UNREACHABLE.contains(e.getError().getCode());
  }

  /**
   * The connection itself failed, not the call: libvirt's RPC client reports its own failures
   * (keepalive timeout, socket closed, a peer that is not libvirtd) from VIR_FROM_RPC with codes
   * such as VIR_ERR_INTERNAL_ERROR, while a daemon's answers keep the domain of the driver that
   * refused. Every later call on that connection fails the same way until it is replaced.
   */
  static boolean isConnectionLost(LibvirtException e) {
    return e.getError() != null && e.getError().getDomain() == ErrorDomain.VIR_FROM_RPC;
  }

  /** The libvirt message without a trailing newline. */
  static String text(LibvirtException e) {
    String m = e.getError() != null ? e.getError().getMessage() : e.getMessage();
    return m == null ? e.getClass().getSimpleName() : m.strip();
  }

  /** What any exception says: libvirt's own message for a libvirt error. */
  static String describe(Exception e) {
    return e instanceof LibvirtException le ? text(le) : String.valueOf(e.getMessage());
  }

  /** "could not {@code what} on {@code host}: {@code libvirt's reason}". */
  static RuntimeException wrap(String what, String host, LibvirtException e) {
    String m = "could not " + what + " on " + host + ": " + (isConnectionLost(e)
        ? "lost the connection to the hypervisor (" + text(e) + ")" : text(e));
    if (isUnreachable(e)) {
      return BackendException.unavailable(m, e);
    }
    return BackendException.failed(m, e);
  }

  /** A client error for a named attribute whose value libvirt cannot find. */
  static ClientException missing(String attribute, String value, String host, String what) {
    return new ClientException("attribute '" + attribute + "': " + what + " '" + value
        + "' does not exist on " + host);
  }
}
