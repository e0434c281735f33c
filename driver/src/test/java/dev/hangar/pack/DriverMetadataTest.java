package dev.hangar.pack;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hangar.datamodel.context.ResourceRemoteCommandContext;
import dev.hangar.driver.Command;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

class DriverMetadataTest {
  private static Document parse() throws Exception {
    return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(
        new ByteArrayInputStream(DriverMetadata.generate().getBytes(StandardCharsets.UTF_8)));
  }

  /** Each listed command's element, by its Name. */
  private static Map<String, Element> commands(Document doc) {
    Map<String, Element> out = new HashMap<>();
    NodeList list = doc.getElementsByTagName("Command");
    for (int i = 0; i < list.getLength(); i++) {
      Element e = (Element) list.item(i);
      assertThat(out.put(e.getAttribute("Name"), e)).as("listed twice").isNull();
    }
    return out;
  }

  @Test
  void listsEveryCommandButTheAutoloadOnceWithItsStandardName() throws Exception {
    Document doc = parse();
    assertThat(doc.getDocumentElement().getTagName()).isEqualTo("Driver");
    assertThat(doc.getDocumentElement().getAttribute("Name")).isEqualTo(ShellFiles.driverName());
    // The execution server imports driver.py's class, under Python 3 only when told so.
    assertThat(doc.getDocumentElement().getAttribute("MainClass"))
        .isEqualTo("driver.HangarCloudProviderDriver");
    assertThat(doc.getDocumentElement().getAttribute("PythonVersion")).isEqualTo("3");
    List<String> expected = Arrays.stream(Command.values())
        .filter(c -> c != Command.GET_INVENTORY).map(Command::standardName).toList();
    assertThat(commands(doc).keySet()).containsExactlyInAnyOrderElementsOf(expected);
  }

  @Test
  void cancellationCategoriesAndTagsFollowTheDriverAndThePlatform() throws Exception {
    Map<String, Element> commands = commands(parse());
    for (Command c : Command.values()) {
      Element e = commands.get(c.standardName());
      if (e == null) {
        continue;
      }
      assertThat(e.getAttribute("EnableCancellation").equals("true")).as(c.standardName())
          .isEqualTo(c.cancellable());
      assertThat(e.getAttribute("DisplayName")).isNotBlank();
      String tags = e.getAttribute("Tags");
      String category = ((Element) e.getParentNode()).getAttribute("Name");
      if (category.equals(DriverMetadata.POWER)) {
        assertThat(tags).isEqualTo("power");
      } else if (c.contextType() == ResourceRemoteCommandContext.class) {
        // Run on a deployed app, which may be shared between sandboxes.
        assertThat(tags).startsWith("remote_").endsWith(",allow_shared");
      } else {
        assertThat(tags).isEqualTo("allow_unreserved");
      }
    }
    assertThat(commands.get("remote_refresh_ip").getAttribute("EnableCancellation"))
        .isEqualTo("true");
    assertThat(((Element) commands.get("Deploy").getParentNode()).getAttribute("Name"))
        .isEqualTo(DriverMetadata.HIDDEN);
    assertThat(((Element) commands.get("ApplyConnectivityChanges").getParentNode())
        .getAttribute("Name")).isEqualTo(DriverMetadata.CONNECTIVITY);
  }
}
