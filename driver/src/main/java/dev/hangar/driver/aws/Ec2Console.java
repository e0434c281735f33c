package dev.hangar.driver.aws;

import dev.hangar.driver.spi.ConsoleAccess;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * What a user gets as the console of an EC2 instance: the console output EC2 last captured
 * (GetConsoleOutput, kind {@code console-output}), the command that opens the instance's serial
 * console over SSH (EC2 Instance Connect pushes a public key for 60 s, then {@code ssh} to the
 * serial console endpoint of the region), and the EC2 web console's page for connecting to the
 * instance. Nothing secret: the user brings their own key and AWS credentials.
 */
final class Ec2Console {
  static final String NOTE = "text is the console output EC2 last captured (it lags the guest by"
      + " a few minutes and is empty before the first capture). The serial console needs EC2"
      + " serial console access enabled for the account in this region (EnableSerialConsoleAccess),"
      + " a Nitro-based instance type, IAM permission"
      + " ec2-instance-connect:SendSerialConsoleSSHPublicKey for the key push, and a guest user"
      + " that can log in on the serial port; the pushed key is valid for 60 s. The URL opens the"
      + " instance's Connect page in the AWS web console (its EC2 serial console tab).";

  private Ec2Console() {}

  static ConsoleAccess of(String instanceId, String region, String base64Output) {
    String command = "aws ec2-instance-connect send-serial-console-ssh-public-key --region "
        + region + " --instance-id " + instanceId + " --serial-port 0 --ssh-public-key"
        + " file://$HOME/.ssh/id_ed25519.pub && ssh " + instanceId
        + ".port0@serial-console.ec2-instance-connect." + region + ".aws";
    String url = "https://" + region + ".console.aws.amazon.com/ec2/home?region=" + region
        + "#ConnectToInstance:instanceId=" + instanceId;
    return new ConsoleAccess("console-output", url, command, decode(base64Output), NOTE);
  }

  /** GetConsoleOutput's output is base64 of the console's bytes (UTF-8 text, mostly). */
  static String decode(String base64) {
    if (base64 == null || base64.isBlank()) {
      return "";
    }
    try {
      return new String(Base64.getMimeDecoder().decode(base64.strip()), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return base64;
    }
  }
}
