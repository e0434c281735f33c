package dev.hangar.driver;

import dev.hangar.datamodel.MalformedRequestException;
import dev.hangar.datamodel.WireCodec;
import dev.hangar.datamodel.context.CancellationContext;
import dev.hangar.datamodel.context.ResourceCommandContext;
import dev.hangar.driver.internal.BackendResolver;
import dev.hangar.driver.internal.SecretRedactor;
import dev.hangar.driver.spi.Backend;
import dev.hangar.driver.spi.CommandScope;
import dev.hangar.driver.spi.ProviderResource;
import dev.hangar.driver.spi.ReapReport;
import dev.hangar.driver.spi.Reaper;
import dev.hangar.driver.spi.BackendRegistry;
import dev.hangar.options.ProviderModel;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;

/**
 * {@code hangar reap}: opens the provider's backend as a command would (the context names the
 * cloud provider resource; its reservation, if any, is not what is reaped) and runs its
 * {@link Reaper} over every hypervisor or the whole region the provider reaches.
 */
public final class SandboxReaping {
  private static final WireCodec CODEC = WireCodec.standard();
  private final BackendResolver resolver;
  private final OrchestratorApi.Factory apis;

  public SandboxReaping(BackendRegistry backends, OrchestratorApi.Factory apis) {
    this.resolver = new BackendResolver(backends);
    this.apis = apis;
  }

  /**
   * Reaps what expired before {@code now}.
   *
   * @param contextJson a ResourceCommandContext naming the cloud provider resource
   * @throws ClientException for an unreadable context, bad attributes or a cloud without reaper
   * @throws HangarException when the cloud cannot be searched at all
   */
  public ReapReport reap(String contextJson, boolean dryRun, Instant now,
      CancellationContext cancellation) {
    ResourceCommandContext context;
    try {
      context = CODEC.read(contextJson, ResourceCommandContext.class);
    } catch (MalformedRequestException e) {
      throw new ClientException("context of reap: " + e.getMessage());
    }
    if (context == null || context.resource() == null) {
      throw new ClientException("reap needs a context with a resource (the cloud provider)");
    }
    SecretRedactor secrets = new SecretRedactor();
    if (context.connectivity() != null) {
      secrets.add(context.connectivity().adminAuthToken());
    }
    for (Map.Entry<String, String> e : context.resource().attributes().entrySet()) {
      String plain = e.getKey().substring(e.getKey().lastIndexOf('.') + 1);
      String lower = plain.toLowerCase(Locale.ROOT);
      if (ProviderModel.attribute(plain).map(a -> a.isSecret()).orElse(false)
          || lower.contains("password") || lower.contains("secret")) {
        secrets.add(e.getValue());
      }
    }
    ProviderResource provider = ProviderResource.of(context.resource());
    CommandScope scope = new CommandScope("reap", context.reservation(),
        apis.connect(context.connectivity()), cancellation, secrets);
    try (Backend backend = resolver.forProvider(provider).open(provider, scope)) {
      Reaper reaper = backend.reaper().orElseThrow(() -> new ClientException("Cloud Type "
          + provider.cloudType() + " has no reaper"));
      ReapReport report = reaper.reap(now, dryRun, scope);
      return new ReapReport(report.lines().stream().map(l -> new ReapReport.Line(l.outcome(),
          l.kind(), l.id(), l.where(), l.sandbox(), l.why(), scope.redact(l.error())))
          .toList());
    }
  }
}
