package dev.hangar.driver.internal;

import dev.hangar.datamodel.result.ActionResult;
import dev.hangar.datamodel.result.CleanupNetworkResult;
import dev.hangar.datamodel.result.ConnectToSubnetResult;
import dev.hangar.datamodel.result.CreateKeysResult;
import dev.hangar.datamodel.result.DeployAppResult;
import dev.hangar.datamodel.result.GenericResult;
import dev.hangar.datamodel.result.PrepareNetworkResult;
import dev.hangar.datamodel.result.PrepareSubnetResult;
import dev.hangar.datamodel.result.VlanResult;
import dev.hangar.datamodel.result.SaveAppResult;
import dev.hangar.datamodel.result.DeleteSavedAppResult;

/** Removes known secrets from the messages of a result (never from its payload fields). */
final class Redaction {
  private Redaction() {}

  static ActionResult redact(ActionResult r, SecretRedactor s) {
    String info = s.redact(r.infoMessage());
    String error = s.redact(r.errorMessage());
    if (info.equals(r.infoMessage()) && error.equals(r.errorMessage())) {
      return r;
    }
    if (r instanceof DeployAppResult d) {
      return new DeployAppResult(d.actionId(), d.success(), info, error, d.vmUuid(), d.vmName(),
          d.deployedAppAddress(), d.deployedAppAttributes(), d.deployedAppAdditionalData(),
          d.vmDetailsData());
    }
    if (r instanceof ConnectToSubnetResult c) {
      return new ConnectToSubnetResult(c.actionId(), c.success(), info, error, c.interfaceJson());
    }
    if (r instanceof PrepareNetworkResult p) {
      return new PrepareNetworkResult(p.actionId(), p.success(), info, error, p.networkId(),
          p.securityGroupId());
    }
    if (r instanceof PrepareSubnetResult p) {
      return new PrepareSubnetResult(p.actionId(), p.success(), info, error, p.subnetId());
    }
    if (r instanceof CreateKeysResult k) {
      return new CreateKeysResult(k.actionId(), k.success(), info, error, k.accessKey());
    }
    if (r instanceof CleanupNetworkResult c) {
      return new CleanupNetworkResult(c.actionId(), c.success(), info, error);
    }
    if (r instanceof VlanResult v) {
      return new VlanResult(v.type(), v.actionId(), v.success(), info, error,
          v.updatedInterface());
    }
    if (r instanceof SaveAppResult a) {
      return new SaveAppResult(a.actionId(), a.success(), info, error, a.artifacts(),
          a.savedEntityAttributes(), a.saveDeploymentModel(), a.additionalData());
    }
    if (r instanceof DeleteSavedAppResult d) {
      return new DeleteSavedAppResult(d.actionId(), d.success(), info, error);
    }
    return new GenericResult(r.type(), r.actionId(), r.success(), info, error);
  }
}
