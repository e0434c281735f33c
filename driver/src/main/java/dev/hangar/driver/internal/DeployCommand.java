package dev.hangar.driver.internal;

import dev.hangar.datamodel.request.Action;
import dev.hangar.datamodel.request.Attribute;
import dev.hangar.datamodel.request.ConnectSubnet;
import dev.hangar.datamodel.request.DeployApp;
import dev.hangar.driver.ClientException;
import dev.hangar.driver.spi.DeployOutcome;
import dev.hangar.driver.spi.DeployRequest;
import dev.hangar.options.AttributeValues;
import dev.hangar.options.DeploymentOption;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.MDC;

/**
 * Deploy: each deployApp goes to the backend of its deployment path with the request's
 * connectSubnet actions. Servers send one deployApp per request; with several, connectSubnet
 * actions cannot be paired and are refused.
 */
public final class DeployCommand {
  private DeployCommand() {}

  public static ActionCommands.Executor executor(CommandRun run) {
    return (accepted, results) -> {
      List<DeployApp> apps = accepted.stream().filter(DeployApp.class::isInstance)
          .map(DeployApp.class::cast).toList();
      List<ConnectSubnet> subnets = accepted.stream().filter(ConnectSubnet.class::isInstance)
          .map(ConnectSubnet.class::cast).toList();
      if (apps.size() != 1 && !subnets.isEmpty()) {
        String why = apps.isEmpty()
            ? "connectSubnet needs a deployApp in the same Deploy request"
            : "the request has " + apps.size() + " deployApp actions; connectSubnet cannot tell"
                + " which one it belongs to";
        for (ConnectSubnet s : subnets) {
          results.fail(s.actionId(), s.type(), why);
        }
        subnets = List.of();
      }
      for (DeployApp app : apps) {
        deployOne(run, app, subnets, results);
      }
    };
  }

  /** Password attributes arrive encrypted; neither form may reach a message or a log. */
  private static void rememberPasswords(CommandRun run, DeployApp app) {
    List<Attribute> all = new ArrayList<>(app.actionParams().deployment().attributes() == null
        ? List.of() : app.actionParams().deployment().attributes());
    if (app.actionParams().appResource() != null
        && app.actionParams().appResource().attributes() != null) {
      all.addAll(app.actionParams().appResource().attributes());
    }
    for (Attribute a : all) {
      if (a != null && a.name() != null
          && a.name().toLowerCase(java.util.Locale.ROOT).contains("password")) {
        run.secrets().add(a.value());
      }
    }
  }

  private static void deployOne(CommandRun run, DeployApp app, List<ConnectSubnet> subnets,
      ResultAssembler results) {
    try (MDC.MDCCloseable ignored = CommandLog.action(app.actionId())) {
      if (app.actionParams() == null || app.actionParams().deployment() == null) {
        throw new ClientException("deployApp has no actionParams.deployment");
      }
      rememberPasswords(run, app);
      DeploymentOption option = run.resolver().option(run.provider(), app.deploymentPath());
      DeployApp.Deployment deployment = app.actionParams().deployment();
      AttributeValues values = new AttributeValues("deployment path '" + option.name() + "'",
          option.attributes(), deployment::attribute);
      run.scope().checkCancelled("deploying " + app.appName());
      DeployOutcome outcome = run.backend().compute()
          .deploy(new DeployRequest(app, subnets, option, values), run.scope());
      results.add(outcome.deployed());
      outcome.subnets().forEach(results::add);
    } catch (RuntimeException e) {
      String m = Failures.message(e, run.secrets());
      results.fail(app.actionId(), app.type(), m);
      for (Action s : subnets) {
        results.fail(s.actionId(), s.type(), "not connected: deploying '" + app.appName()
            + "' failed: " + m);
      }
    }
  }
}
