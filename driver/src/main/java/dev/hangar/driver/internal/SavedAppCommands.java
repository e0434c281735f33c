package dev.hangar.driver.internal;

import dev.hangar.datamodel.request.Action;
import dev.hangar.datamodel.request.Artifact;
import dev.hangar.datamodel.request.Attribute;
import dev.hangar.datamodel.request.DeleteSavedApp;
import dev.hangar.datamodel.request.SaveApp;
import dev.hangar.datamodel.result.DeleteSavedAppResult;
import dev.hangar.datamodel.result.SaveAppResult;
import dev.hangar.driver.ClientException;
import dev.hangar.driver.spi.SavedAppService;
import dev.hangar.options.DeploymentOption;
import dev.hangar.options.ProviderModel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * SaveApp and DeleteSavedApps: each action on its own (one failure never sinks the others), in
 * request order, with the cancellation checked between them.
 */
public final class SavedAppCommands {
  private static final String WHAT = "saved apps (SaveApp / DeleteSavedApps)";

  private SavedAppCommands() {}

  /** The executor of SaveApp actions. */
  public static ActionCommands.Executor save(CommandRun run) {
    return (accepted, results) -> {
      for (Action a : accepted) {
        SaveApp action = (SaveApp) a;
        try {
          run.scope().checkCancelled("saving " + action.params().sourceAppName());
          results.add(saveOne(run, action));
        } catch (RuntimeException e) {
          results.fail(a.actionId(), a.type(), Failures.message(e, run.secrets()));
        }
      }
    };
  }

  private static SaveAppResult saveOne(CommandRun run, SaveApp action) {
    SaveApp.Params p = action.params();
    require(p.sourceVmUuid(), "sourceVmUuid");
    require(p.savedSandboxId(), "savedSandboxId");
    SavedAppService service = Capabilities.require(run, run.backend().savedApps(), WHAT);
    String app = p.sourceAppName() == null ? "" : p.sourceAppName();
    SavedAppService.SavedApp saved = Capabilities.call(run, WHAT, () -> service.save(
        new SavedAppService.SaveAppRequest(action.actionId(), p.savedSandboxId(),
            p.sourceVmUuid(), app, p.saveDeploymentModel() == null ? ""
                : p.saveDeploymentModel(), plain(p.deploymentPathAttributes())), run.scope()));
    // The platform makes the saved app from this path: it must be one of this provider's.
    DeploymentOption option;
    try {
      option = run.resolver().option(run.provider(), saved.deploymentPath());
    } catch (RuntimeException e) {
      // A backend bug, but what it made must not leak: remove it before failing the action.
      try {
        service.delete(new SavedAppService.DeleteSavedAppRequest(action.actionId(),
            p.savedSandboxId(), app, saved.artifacts()), run.scope());
      } catch (RuntimeException undo) {
        e.addSuppressed(undo);
      }
      throw e;
    }
    List<Artifact> artifacts = saved.artifacts().stream()
        .map(x -> new Artifact(x.ref(), x.name())).toList();
    List<Attribute> attributes = new TreeMap<>(saved.savedEntityAttributes()).entrySet().stream()
        .map(e -> new Attribute(e.getKey(), e.getValue())).toList();
    List<SaveAppResult.DataElement> data = new TreeMap<>(saved.additionalData()).entrySet()
        .stream().map(e -> new SaveAppResult.DataElement(e.getKey(), e.getValue())).toList();
    run.scope().progress("Saved app " + app + " as " + String.join(", ",
        artifacts.stream().map(Artifact::artifactName).toList()));
    return new SaveAppResult(action.actionId(), true, "", "", artifacts, attributes,
        ProviderModel.NAME + "." + option.name(), data);
  }

  /** The executor of DeleteSavedApp actions; an artifact already gone is the backend's success. */
  public static ActionCommands.Executor delete(CommandRun run) {
    return (accepted, results) -> {
      for (Action a : accepted) {
        DeleteSavedApp action = (DeleteSavedApp) a;
        try {
          DeleteSavedApp.Params p = action.params();
          run.scope().checkCancelled("deleting saved app " + p.savedAppName());
          require(p.savedSandboxId(), "savedSandboxId");
          List<SavedAppService.Artifact> artifacts = new ArrayList<>();
          for (Artifact x : p.artifacts()) {
            if (x == null || x.artifactRef() == null || x.artifactRef().isBlank()) {
              throw new ClientException("an artifact of saved app '" + p.savedAppName()
                  + "' has no artifactRef");
            }
            artifacts.add(new SavedAppService.Artifact(x.artifactRef(), x.artifactName()));
          }
          SavedAppService service = Capabilities.require(run, run.backend().savedApps(), WHAT);
          Capabilities.call(run, WHAT, () -> {
            service.delete(new SavedAppService.DeleteSavedAppRequest(action.actionId(),
                p.savedSandboxId(), p.savedAppName() == null ? "" : p.savedAppName(),
                artifacts), run.scope());
            return null;
          });
          results.add(new DeleteSavedAppResult(action.actionId(), true, "", ""));
        } catch (RuntimeException e) {
          results.fail(a.actionId(), a.type(), Failures.message(e, run.secrets()));
        }
      }
    };
  }

  /** Attribute names without their deployment path: {@code "<path>.Template"} → Template. */
  static Map<String, String> plain(List<Attribute> attributes) {
    Map<String, String> out = new LinkedHashMap<>();
    for (Attribute a : attributes) {
      if (a == null || a.name() == null) {
        continue;
      }
      out.put(a.name().substring(a.name().lastIndexOf('.') + 1),
          a.value() == null ? "" : a.value());
    }
    return out;
  }

  private static void require(String value, String field) {
    if (value == null || value.isBlank()) {
      throw new ClientException("actionParams." + field + " is missing");
    }
  }
}
