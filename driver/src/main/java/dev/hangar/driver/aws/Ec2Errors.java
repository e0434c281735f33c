package dev.hangar.driver.aws;

import dev.hangar.driver.BackendException;
import dev.hangar.driver.ClientException;
import dev.hangar.driver.HangarException;
import java.util.Set;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ec2.model.Ec2Exception;

/**
 * Turns SDK failures into Hangar's errors: refused credentials and bad input are client errors
 * naming the attribute to fix; an unreachable endpoint is "unavailable"; throttling and 5xx that
 * outlived the SDK's retries are retryable. Messages never carry the secret key (the SDK's
 * messages do not, and the scope redacts what it knows).
 */
final class Ec2Errors {
  static final Set<String> AUTH = Set.of("AuthFailure", "InvalidClientTokenId",
      "SignatureDoesNotMatch", "UnrecognizedClientException", "IncompleteSignature",
      "MissingAuthenticationToken");
  static final Set<String> IN_USE = Set.of("DependencyViolation", "InvalidGroup.InUse",
      "InvalidNetworkInterface.InUse", "ResourceInUse", "InvalidIPAddress.InUse",
      "IncorrectState", "InvalidState");

  private Ec2Errors() {}

  /** The EC2 error code, or "" when the failure is not an EC2 answer. */
  static String code(Throwable e) {
    if (e instanceof Ec2Exception ee && ee.awsErrorDetails() != null
        && ee.awsErrorDetails().errorCode() != null) {
      return ee.awsErrorDetails().errorCode();
    }
    return "";
  }

  /** {@code Invalid*.NotFound} and friends: the object is gone (or not visible yet). */
  static boolean notFound(Throwable e) {
    String c = code(e);
    return c.endsWith(".NotFound") || c.endsWith(".Malformed") && c.startsWith("InvalidInstance");
  }

  static boolean inUse(Throwable e) {
    return IN_USE.contains(code(e));
  }

  /** {@code what} failed: the error a user sees. */
  static HangarException wrap(String what, SdkException e, AwsSettings s) {
    String code = code(e);
    if (e instanceof Ec2Exception ee) {
      String msg = ee.awsErrorDetails() == null ? "" : trim(ee.awsErrorDetails().errorMessage());
      String detail = (code.isEmpty() ? "HTTP " + ee.statusCode() : code)
          + (msg.isEmpty() ? "" : ": " + msg);
      // A 401 may reach the SDK without its body (the JDK client hides it): still refused keys.
      if (AUTH.contains(code) || code.isEmpty() && ee.statusCode() == 401) {
        return new ClientException(what + ": EC2 refused the credentials (" + detail
            + "); check attributes 'AWS Access Key ID' and 'AWS Secret Access Key'");
      }
      if ("UnauthorizedOperation".equals(code)) {
        return new ClientException(what + ": the credentials of attribute 'AWS Access Key ID'"
            + " are not allowed to do this (" + code + "); grant them the EC2 permission");
      }
      if ("OptInRequired".equals(code)) {
        return new ClientException(what + ": attribute 'Region' (" + s.region() + ") is not"
            + " enabled for this account (" + detail + ")");
      }
      if (ee.statusCode() >= 500 || ee.isThrottlingException()) {
        return new BackendException(what + ": EC2 is busy or failing (" + detail + "); retry"
            + " later", true, false, e);
      }
      return BackendException.failed(what + ": " + detail, e);
    }
    if (e instanceof SdkClientException) {
      return BackendException.unavailable(what + ": cannot reach EC2 at " + s.endpointName()
          + " (" + rootCause(e) + "); check attributes 'Region' and 'Endpoint'", e);
    }
    return BackendException.failed(what + ": " + trim(e.getMessage()), e);
  }

  private static String rootCause(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    String m = t.getMessage() == null ? "" : ": " + trim(t.getMessage());
    return t.getClass().getSimpleName() + m;
  }

  private static String trim(String m) {
    if (m == null) {
      return "";
    }
    String one = m.replace('\n', ' ').strip();
    return one.length() > 300 ? one.substring(0, 300) + "..." : one;
  }
}
