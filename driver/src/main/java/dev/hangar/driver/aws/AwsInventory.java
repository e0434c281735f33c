package dev.hangar.driver.aws;

import dev.hangar.datamodel.context.AutoLoadDetails;
import dev.hangar.driver.ClientException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * get_inventory on AWS: one cheap, region-scoped call (DescribeAvailabilityZones) proves the
 * endpoint, the region and the credentials; a failure names the attribute to fix.
 */
final class AwsInventory {
  private final Ec2Session s;

  AwsInventory(Ec2Session s) {
    this.s = s;
  }

  AutoLoadDetails validate() {
    String where = "cloud provider '" + s.settings().providerName() + "'";
    try {
      var zones = s.ec2().describeAvailabilityZones().availabilityZones();
      if (zones.isEmpty()) {
        throw new ClientException("attribute 'Region' of " + where + ": region "
            + s.settings().region() + " shows no availability zones to this account");
      }
      return AutoLoadDetails.empty();
    } catch (SdkClientException e) {
      if (s.settings().endpoint() == null && unknownHost(e)) {
        throw new ClientException("attribute 'Region' of " + where + ": no EC2 endpoint "
            + s.settings().endpointName() + " (is '" + s.settings().region()
            + "' a region EC2 has?)");
      }
      throw Ec2Errors.wrap("the AWS cloud provider is not usable", e, s.settings());
    } catch (SdkException e) {
      throw Ec2Errors.wrap("the AWS cloud provider is not usable", e, s.settings());
    }
  }

  private static boolean unknownHost(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof java.net.UnknownHostException) {
        return true;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }
}
