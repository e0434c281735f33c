package dev.hangar.driver.aws;

import dev.hangar.driver.ClientException;
import dev.hangar.driver.spi.CommandScope;
import dev.hangar.driver.spi.ProviderResource;
import dev.hangar.options.AttributeSpec;
import dev.hangar.options.AttributeValues;
import dev.hangar.options.InvalidAttributeException;
import dev.hangar.options.ProviderModel;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The AWS provider's attributes, read and checked once per command. The secret key is decrypted
 * through the orchestrator API and never shown: {@link #toString()} hides it, and the scope
 * redacts it from every message.
 *
 * @param accessKeyId empty: the SDK's default credentials (environment, instance role)
 * @param endpoint null: EC2's own endpoint for the region
 */
record AwsSettings(String providerName, String region, String accessKeyId, String secretKey,
    URI endpoint, List<Cidrs.Block> networksInUse, String defaultInstanceType) {
  private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d{1,2}");

  static AwsSettings from(ProviderResource provider, CommandScope scope) {
    AttributeValues v = provider.values(List.of());
    String where = "cloud provider '" + provider.name() + "'";
    String region = read(v, ProviderModel.REGION).strip();
    if (region.isEmpty()) {
      throw new ClientException("attribute 'Region' of " + where + " is empty; set the AWS"
          + " region, e.g. eu-west-1");
    }
    if (!REGION.matcher(region).matches()) {
      throw new ClientException("attribute 'Region' of " + where + " is not an AWS region name"
          + " like eu-west-1 (got '" + shown(region) + "')");
    }
    String keyId = read(v, ProviderModel.AWS_ACCESS_KEY_ID).strip();
    String encrypted = read(v, ProviderModel.AWS_SECRET_ACCESS_KEY);
    if (!keyId.isEmpty() && encrypted.isBlank()) {
      throw new ClientException("attribute 'AWS Secret Access Key' of " + where + " is empty,"
          + " but 'AWS Access Key ID' is set; set both, or neither to use the host's own AWS"
          + " credentials");
    }
    String secret = keyId.isEmpty() ? "" : scope.decrypt(encrypted);
    URI endpoint = endpoint(read(v, ProviderModel.ENDPOINT).strip(), where);
    List<Cidrs.Block> inUse;
    try {
      inUse = Cidrs.parseList(read(v, ProviderModel.NETWORKS_IN_USE));
    } catch (IllegalArgumentException e) {
      throw new ClientException("attribute 'Networks in use' of " + where + ": "
          + e.getMessage());
    }
    return new AwsSettings(provider.name(), region, keyId, secret, endpoint, inUse,
        read(v, ProviderModel.INSTANCE_TYPE).strip());
  }

  private static String read(AttributeValues v, AttributeSpec spec) {
    try {
      return v.string(spec);
    } catch (InvalidAttributeException e) {
      throw new ClientException(e.getMessage());
    }
  }

  private static URI endpoint(String raw, String where) {
    if (raw.isEmpty()) {
      return null;
    }
    try {
      URI u = new URI(raw);
      if (("http".equals(u.getScheme()) || "https".equals(u.getScheme())) && u.getHost() != null
          && (u.getPath() == null || u.getPath().isEmpty() || u.getPath().equals("/"))
          && u.getQuery() == null && u.getUserInfo() == null) {
        return u;
      }
    } catch (URISyntaxException e) {
      // reported below
    }
    throw new ClientException("attribute 'Endpoint' of " + where + " must be an http(s)://HOST"
        + "[:PORT] URL, or empty for AWS itself (got '" + shown(raw) + "')");
  }

  /** Where EC2 is, for messages. */
  String endpointName() {
    return endpoint != null ? endpoint.toString() : "ec2." + region + ".amazonaws.com";
  }

  private static String shown(String s) {
    return s.length() > 60 ? s.substring(0, 60) + "..." : s;
  }

  @Override
  public String toString() {
    return "AwsSettings[provider=" + providerName + ", region=" + region + ", accessKeyId="
        + accessKeyId + ", secretKey=***, endpoint=" + endpointName() + "]";
  }
}
