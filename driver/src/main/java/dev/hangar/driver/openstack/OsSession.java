package dev.hangar.driver.openstack;

import dev.hangar.driver.BackendException;
import dev.hangar.driver.ClientException;
import dev.hangar.driver.HangarException;
import dev.hangar.driver.spi.CommandScope;
import dev.hangar.driver.spi.Quotas;
import dev.hangar.driver.spi.SandboxLease;
import java.time.Duration;
import java.util.function.Supplier;
import org.openstack4j.api.OSClient.OSClientV3;
import org.openstack4j.api.exceptions.AuthenticationException;
import org.openstack4j.api.exceptions.ClientResponseException;
import org.openstack4j.api.exceptions.ConnectionException;
import org.openstack4j.api.exceptions.OS4JException;
import org.openstack4j.api.exceptions.RegionEndpointNotFoundException;
import org.openstack4j.api.exceptions.ResponseException;
import org.openstack4j.core.transport.Config;
import org.openstack4j.model.common.ActionResponse;
import org.openstack4j.model.common.Identifier;
import org.openstack4j.model.identity.v3.Token;
import org.openstack4j.openstack.OSFactory;
import org.openstack4j.openstack.internal.OSClientSession;

/**
 * One command's use of OpenStack: a Keystone token, taken on first use from {@link
 * KeystoneTokens} (a login only when no fresh token of these credentials is kept), and clients
 * bound to it. openstack4j keeps its client in a thread-local, so {@link #os()} gives each
 * calling thread its own client on the same token (no HTTP). Every call goes through {@link
 * #call}, which turns openstack4j's exceptions into the driver's (unreachable is retryable and
 * names the URL) and follows a token that OpenStack refused: openstack4j logs in again once on a
 * 401 and repeats the request, and the new token replaces the kept one; a 401 that still comes
 * through drops the kept token and the call is made once more on a new login.
 */
final class OsSession {
  private final OpenStackSettings settings;
  private final OpenStackTimeouts timeouts;
  private final Config config;
  private final KeystoneTokens tokens;
  private final KeystoneTokens.Key key;
  private volatile Token token;
  private final Supplier<SandboxLease> leaseSource;
  private SandboxLease lease;
  private final Supplier<Quotas> quotas;

  OsSession(OpenStackSettings settings, OpenStackTimeouts timeouts) {
    this(settings, timeouts, KeystoneTokens.SHARED);
  }

  OsSession(OpenStackSettings settings, OpenStackTimeouts timeouts, KeystoneTokens tokens) {
    this(settings, timeouts, tokens, () -> new SandboxLease("", "", null), () -> Quotas.NONE);
  }

  /**
   * @param lease the marks of what this command makes, read on first use (a bad 'Sandbox
   *     Lifetime' fails the action that makes something, not the command)
   */
  OsSession(OpenStackSettings settings, OpenStackTimeouts timeouts, KeystoneTokens tokens,
      Supplier<SandboxLease> lease, Supplier<Quotas> quotas) {
    this.leaseSource = lease;
    this.quotas = quotas;
    this.settings = settings;
    this.timeouts = timeouts;
    this.tokens = tokens;
    this.key = KeystoneTokens.Key.of(settings);
    this.config = Config.newConfig()
        .withConnectionTimeout((int) timeouts.connect().toMillis())
        .withReadTimeout((int) timeouts.read().toMillis());
  }

  OpenStackSettings settings() {
    return settings;
  }

  OpenStackTimeouts timeouts() {
    return timeouts;
  }

  /** The lease every object this command makes is marked with. */
  synchronized SandboxLease lease() {
    if (lease == null) {
      lease = leaseSource.get();
    }
    return lease;
  }

  /** The provider's quotas, read when a Deploy counts them (a bad value fails that Deploy). */
  Quotas quotas() {
    return quotas.get();
  }

  /** A Neutron description: {@code base} with this command's lease mark. */
  String describe(String base) {
    SandboxLease l = lease();
    return l.reservationId().isEmpty() ? base : LeaseMarks.description(base, l);
  }

  /** A client on this command's token, for the calling thread. */
  OSClientV3 os() {
    OSClientV3 c = OSFactory.clientFromToken(token(), config);
    if (!settings.region().isEmpty()) {
      c.useRegion(settings.region());
    }
    return c;
  }

  /** The project id of the token's scope. */
  String projectId() {
    return token().getProject().getId();
  }

  /** The token this command uses (kept across commands). */
  Token token() {
    Token t = token;
    if (t == null) {
      synchronized (this) {
        if (token == null) {
          token = tokens.get(key, this::login);
        }
        t = token;
      }
    }
    return t;
  }

  /** OpenStack refused {@code stale}: the next call logs in (or takes a newer kept token). */
  private synchronized void refused(Token stale) {
    tokens.forget(key, stale);
    if (token == stale) {
      token = null;
    }
  }

  /**
   * After a call: when openstack4j logged in again on a 401 (its session on this thread holds
   * another token than ours), that token replaces ours here and in the kept tokens.
   */
  private void adoptRenewed(Token used) {
    if (used == null) {
      return;
    }
    Token now = OSClientSession.getCurrent() instanceof OSClientSession.OSClientSessionV3 v3
        ? v3.getToken() : null;
    if (now != null && now != used && now.getId() != null
        && !now.getId().equals(used.getId())) {
      synchronized (this) {
        tokens.replace(key, used, now);
        if (token == used) {
          token = now;
        }
      }
    }
  }

  private Token login() {
    Identifier domain = Identifier.byName(settings.domain());
    try {
      return OSFactory.builderV3().endpoint(settings.keystoneUrl()).withConfig(config)
          .credentials(settings.user(), settings.password(), domain)
          .scopeToProject(Identifier.byName(settings.project()), domain)
          .authenticate().getToken();
    } catch (AuthenticationException e) {
      throw new ClientException("OpenStack at " + settings.keystoneUrl() + " refused the login"
          + " of user '" + settings.user() + "' to project '" + settings.project()
          + "' in domain '" + settings.domain() + "': check attributes 'OpenStack User',"
          + " 'OpenStack Password', 'OpenStack Project' and 'OpenStack Domain'");
    } catch (ConnectionException e) {
      throw BackendException.unavailable("cannot reach Keystone at " + settings.keystoneUrl()
          + " (attribute 'Keystone URL'): " + rootMessage(e), e);
    } catch (ResponseException e) {
      if (e.getStatus() == 404) {
        throw new ClientException("attribute 'Keystone URL' (" + settings.keystoneUrl()
            + ") is not a Keystone v3 endpoint (404); it usually ends in /v3");
      }
      throw wrap("log in to Keystone at " + settings.keystoneUrl(), e);
    }
  }

  /** Runs one API call; openstack4j's failures become the driver's. */
  <T> T call(String what, Supplier<T> call) {
    for (int attempt = 0; ; attempt++) {
      Token used = null;
      try {
        used = token(); // a refused login is the driver's error already
        T answer = call.get();
        adoptRenewed(used);
        if (attempt == 0 && answer instanceof ActionResponse r && r.getCode() == 401) {
          refused(used); // a request that OpenStack refused did nothing: make it again
          continue;
        }
        return answer;
      } catch (HangarException e) {
        throw e;
      } catch (RuntimeException e) {
        if (attempt == 0 && used != null && e instanceof ResponseException r
            && r.getStatus() == 401) {
          refused(used);
          continue;
        }
        throw wrap(what, e);
      }
    }
  }

  /** Runs one call that answers an ActionResponse; a failure (other than 404 when
   * {@code goneIsFine}) is an error. Returns false when the object was already gone. */
  boolean action(String what, boolean goneIsFine, Supplier<ActionResponse> call) {
    ActionResponse r = call(what, call);
    if (r == null || r.isSuccess()) {
      return true;
    }
    if (goneIsFine && r.getCode() == 404) {
      return false;
    }
    String m = r.getFault() == null ? "" : r.getFault();
    throw new BackendException(what + " failed: OpenStack answered " + r.getCode()
        + (m.isEmpty() ? "" : " (" + shorten(m) + ")"), r.getCode() >= 500 || r.getCode() == 409,
        false, null);
  }

  HangarException wrap(String what, RuntimeException e) {
    if (e instanceof ConnectionException || e.getCause() instanceof java.io.IOException) {
      return BackendException.unavailable(what + ": OpenStack did not answer (" + rootMessage(e)
          + "); retry when it is back", e);
    }
    if (e instanceof RegionEndpointNotFoundException) {
      return new ClientException(what + ": the catalog of " + settings.keystoneUrl()
          + " has no such endpoint in region '" + settings.region() + "' (attribute 'Region')");
    }
    if (e instanceof ResponseException r) {
      boolean retryable = r.getStatus() >= 500 || r.getStatus() == 409;
      return new BackendException(what + ": OpenStack answered " + r.getStatus() + " ("
          + shorten(String.valueOf(r.getMessage())) + ")", retryable, false, e);
    }
    if (e instanceof OS4JException) {
      return BackendException.failed(what + ": " + shorten(String.valueOf(e.getMessage())), e);
    }
    return BackendException.failed(what + ": internal error (" + e.getClass().getSimpleName()
        + ")", e);
  }

  static boolean isClientError(RuntimeException e, int status) {
    return e instanceof ClientResponseException r && r.getStatus() == status;
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return shorten(t.getClass().getSimpleName() + ": " + t.getMessage());
  }

  private static String shorten(String s) {
    return s.length() > 300 ? s.substring(0, 300) + "..." : s;
  }

  /** Sleeps one poll interval, or throws when the command was cancelled. */
  void pause(CommandScope scope, String waitingFor) {
    scope.checkCancelled("waiting for " + waitingFor);
    try {
      Thread.sleep(timeouts.poll().toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new dev.hangar.driver.CommandCancelledException("interrupted while waiting for "
          + waitingFor);
    }
    scope.checkCancelled("waiting for " + waitingFor);
  }

  /** A deadline {@code d} from now, in System.nanoTime() terms. */
  static long deadline(Duration d) {
    return System.nanoTime() + d.toNanos();
  }

  static boolean passed(long deadline) {
    return System.nanoTime() - deadline > 0;
  }
}
