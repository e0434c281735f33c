package dev.hangar.driver.internal;

import dev.hangar.datamodel.MalformedRequestException;
import dev.hangar.datamodel.context.CancellationContext;
import dev.hangar.datamodel.context.CommandContext;
import dev.hangar.datamodel.context.ResourceContextDetails;
import dev.hangar.driver.ClientException;
import dev.hangar.driver.Command;
import dev.hangar.driver.OrchestratorApi;
import dev.hangar.driver.spi.Backend;
import dev.hangar.driver.spi.BackendProvider;
import dev.hangar.driver.spi.CommandScope;
import dev.hangar.driver.spi.ProviderResource;
import dev.hangar.options.ProviderModel;
import java.util.Map;

/**
 * One command in flight: its log context, secrets, scope and (opened on demand) backend. Closing
 * it closes the backend and writes the command's summary line.
 */
public final class CommandRun implements AutoCloseable {
  private final Command command;
  private final CommandContext context;
  private final SecretRedactor secrets = new SecretRedactor();
  private final CommandLog log;
  private final CommandScope scope;
  private final ProviderResource provider;
  private final BackendResolver resolver;
  private Backend backend;

  public CommandRun(Command command, CommandContext context, OrchestratorApi.Factory apis,
      BackendResolver resolver, CancellationContext cancellation) {
    if (context == null || context.resource() == null) {
      throw new ClientException(command.standardName() + " needs a context with a resource (the"
          + " cloud provider)");
    }
    this.command = command;
    this.context = context;
    this.resolver = resolver;
    this.log = new CommandLog(context.reservationId(), command.standardName());
    if (context.connectivity() != null) {
      secrets.add(context.connectivity().adminAuthToken());
    }
    if (context.sandbox() != null) {
      secrets.add(context.sandbox().cloudInfoAccessKey());
    }
    ResourceContextDetails resource = context.resource();
    for (Map.Entry<String, String> e : resource.attributes().entrySet()) {
      String plain = e.getKey().substring(e.getKey().lastIndexOf('.') + 1);
      String lower = plain.toLowerCase(java.util.Locale.ROOT);
      if (ProviderModel.attribute(plain).map(a -> a.isSecret()).orElse(false)
          || lower.contains("password") || lower.contains("secret")) {
        secrets.add(e.getValue());
      }
    }
    this.provider = ProviderResource.of(resource);
    OrchestratorApi api = apis.connect(context.connectivity());
    this.scope = new CommandScope(command.standardName(), context.sandbox(), api, cancellation,
        secrets);
  }

  public Command command() {
    return command;
  }

  public CommandContext context() {
    return context;
  }

  public CommandScope scope() {
    return scope;
  }

  public ProviderResource provider() {
    return provider;
  }

  public SecretRedactor secrets() {
    return secrets;
  }

  public CommandLog log() {
    return log;
  }

  public BackendResolver resolver() {
    return resolver;
  }

  /** The provider's backend, opened once per command; throws a clear error when none is installed. */
  public Backend backend() {
    if (backend == null) {
      BackendProvider p = resolver.forProvider(provider);
      backend = p.open(provider, scope);
    }
    return backend;
  }

  /** Reads the request, turning an unreadable one into a client error. */
  public static <T> T read(java.util.function.Supplier<T> reader) {
    try {
      return reader.get();
    } catch (MalformedRequestException e) {
      throw new ClientException(e.getMessage());
    }
  }

  @Override
  public void close() {
    try {
      if (backend != null) {
        backend.close();
      }
    } catch (Exception e) {
      org.slf4j.LoggerFactory.getLogger(CommandRun.class).warn("closing the backend failed: {}",
          secrets.redact(String.valueOf(e.getMessage())));
    } finally {
      log.close();
    }
  }
}
