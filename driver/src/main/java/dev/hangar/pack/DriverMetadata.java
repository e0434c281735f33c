package dev.hangar.pack;

import dev.hangar.driver.Command;
import dev.hangar.driver.CommandParameter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/**
 * {@code drivermetadata.xml}: how the platform shows and orchestrates each command. Display names,
 * categories and tags follow the platform's cloud provider shells: {@code allow_unreserved} for
 * what the orchestrator calls on the provider outside a reservation's resources,
 * {@code remote_connectivity}/{@code remote_app_management} with {@code allow_shared} for commands
 * run on a deployed app, {@code power} for power. {@code EnableCancellation} comes from
 * {@link Command#cancellable()}, the driver's own truth.
 */
public final class DriverMetadata {
  public static final String CONNECTIVITY = "Connectivity";
  public static final String POWER = "Power";
  public static final String SNAPSHOT = "Snapshot";
  public static final String CONFIGURATION = "Configuration";
  public static final String HIDDEN = "Hidden Commands";
  private static final String ADMIN_ONLY = "AdminOnly";

  /**
   * One command as the platform lists it; {@code visibility} is "" for everyone or
   * {@code AdminOnly}.
   */
  public record Entry(Command command, String category, String displayName, String tags,
      String description, String visibility) {
    Entry(Command command, String category, String displayName, String tags,
        String description) {
      this(command, category, displayName, tags, description, "");
    }

    public boolean cancellable() {
      return command.cancellable();
    }
  }

  private DriverMetadata() {}

  /**
   * How the platform lists a command; empty for get_inventory, which the platform runs itself as
   * the resource's auto-discovery and never lists. The switch is exhaustive, so a new command
   * does not compile until it has a place here.
   */
  public static Optional<Entry> entry(Command c) {
    return Optional.ofNullable(switch (c) {
      case GET_INVENTORY -> null;
      case DEPLOY -> new Entry(c, HIDDEN, "Deploy", "allow_unreserved",
          "Creates the app's VM from its deployment path.");
      case POWER_ON -> new Entry(c, POWER, "Power On", "power", "Powers the VM on.");
      case POWER_OFF -> new Entry(c, POWER, "Power Off", "power", "Powers the VM off.");
      case DELETE_INSTANCE -> new Entry(c, HIDDEN, "Delete Instance",
          "remote_app_management,allow_shared", "Deletes the VM; a VM already gone is success.");
      case GET_VM_DETAILS -> new Entry(c, HIDDEN, "Get VM Details", "allow_unreserved",
          "Reads the VMs' properties and network data.");
      case REMOTE_REFRESH_IP -> new Entry(c, CONNECTIVITY, "Refresh IP",
          "remote_connectivity,allow_shared", "Waits for the VM's IP and sets it on the app.");
      case APPLY_CONNECTIVITY_CHANGES -> new Entry(c, CONNECTIVITY, "Apply Connectivity Changes",
          "allow_unreserved", "Connects and disconnects vNICs to VLANs (L2).");
      case PREPARE_SANDBOX_INFRA -> new Entry(c, CONNECTIVITY, "Prepare Sandbox Infra",
          "allow_unreserved", "Creates the sandbox's network, subnets and keys (L3).");
      case CLEANUP_SANDBOX_INFRA -> new Entry(c, CONNECTIVITY, "Cleanup Sandbox Infra",
          "allow_unreserved", "Removes everything the sandbox's infra setup made (L3).");
      case SET_APP_SECURITY_GROUPS -> new Entry(c, HIDDEN, "Set App Security Groups",
          "allow_unreserved", "Opens the apps' inbound ports (L3).");
      case SAVE_APP -> new Entry(c, HIDDEN, "SaveApp", "allow_unreserved",
          "Saves apps of a sandbox as new templates or images (the platform's Save Sandbox).");
      case DELETE_SAVED_APPS -> new Entry(c, SNAPSHOT, "Delete Saved Apps", "allow_unreserved",
          "Deletes the templates or images a saved sandbox's apps were saved as.");
      case REMOTE_SAVE_SNAPSHOT -> new Entry(c, SNAPSHOT, "Save Snapshot",
          "remote_connectivity,allow_unreserved",
          "Takes a snapshot of the VM; prints its path.");
      case REMOTE_GET_SNAPSHOTS -> new Entry(c, SNAPSHOT, "Get Snapshots",
          "remote_connectivity,allow_unreserved",
          "Prints the VM's snapshot paths as a JSON list.");
      case REMOTE_RESTORE_SNAPSHOT -> new Entry(c, SNAPSHOT, "Restore Snapshot",
          "remote_connectivity,allow_unreserved", "Brings the VM back to a snapshot.");
      case REMOTE_REMOVE_SNAPSHOT -> new Entry(c, SNAPSHOT, "Remove Snapshot",
          "remote_connectivity,allow_unreserved", "Deletes a snapshot, keeping the VM as it is.");
      case RECONFIGURE_VM -> new Entry(c, CONFIGURATION, "Reconfigure VM",
          "remote_app_management,allow_unreserved",
          "Changes the VM's CPUs, memory and disk sizes.", ADMIN_ONLY);
      case GET_VM_CONSOLE -> new Entry(c, CONFIGURATION, "Get VM Console",
          "remote_app_management,allow_unreserved",
          "Prints how to open the VM's console (a VNC or serial console, or its output).",
          ADMIN_ONLY);
      case VALIDATE_ATTRIBUTES -> new Entry(c, HIDDEN, "ValidateAttributes", "allow_unreserved",
          "Checks an app template's deployment path attributes when it is saved.");
      case GET_ATTRIBUTE_HINTS -> new Entry(c, HIDDEN, "GetAttributeHints", "allow_unreserved",
          "Lists the values an app template's attribute can take.");
      case POWER_CYCLE -> new Entry(c, HIDDEN, "Power Cycle", "power",
          "Powers the VM off, waits, and powers it on.");
      case RECOVER -> new Entry(c, CONFIGURATION, "Recover", "allow_unreserved",
          "Restarts the VMs of an unreachable hypervisor on a live host of its area (KVM).",
          ADMIN_ONLY);
    });
  }

  /** The listed commands by category, in category order then {@link Command} order. */
  public static Map<String, List<Entry>> layout() {
    Map<String, List<Entry>> out = new LinkedHashMap<>();
    for (String category : List.of(CONNECTIVITY, POWER, SNAPSHOT, CONFIGURATION, HIDDEN)) {
      out.put(category, new ArrayList<>());
    }
    for (Command c : Command.values()) {
      entry(c).ifPresent(e -> out.get(e.category()).add(e));
    }
    return out;
  }

  /** The XML text. */
  public static String generate() {
    StringWriter text = new StringWriter();
    try {
      XMLStreamWriter w = XMLOutputFactory.newFactory().createXMLStreamWriter(text);
      w.writeStartDocument("UTF-8", "1.0");
      newline(w, 0);
      w.writeStartElement("Driver");
      w.writeAttribute("Name", ShellFiles.driverName());
      w.writeAttribute("Version", ShellFiles.VERSION);
      w.writeAttribute("MainClass", PythonDriver.MAIN_CLASS);
      w.writeAttribute("Description", "Hangar cloud provider: forwards each command to a hangar"
          + " serve host (KVM, AWS, OpenStack behind the Custom Cloud Provider standard).");
      // Without it the platform runs the driver with Python 2.
      w.writeAttribute("PythonVersion", "3");
      newline(w, 1);
      w.writeStartElement("Layout");
      for (Map.Entry<String, List<Entry>> category : layout().entrySet()) {
        newline(w, 2);
        w.writeStartElement("Category");
        w.writeAttribute("Name", category.getKey());
        for (Entry e : category.getValue()) {
          newline(w, 3);
          List<CommandParameter> params = e.command().parameters();
          if (params.isEmpty()) {
            w.writeEmptyElement("Command");
          } else {
            w.writeStartElement("Command");
          }
          w.writeAttribute("Name", e.command().standardName());
          w.writeAttribute("DisplayName", e.displayName());
          w.writeAttribute("Description", e.description());
          w.writeAttribute("Tags", e.tags());
          if (e.cancellable()) {
            w.writeAttribute("EnableCancellation", "true");
          }
          if (!e.visibility().isEmpty()) {
            w.writeAttribute("Visibility", e.visibility());
          }
          if (!params.isEmpty()) {
            writeParameters(w, params);
            newline(w, 3);
            w.writeEndElement();
          }
        }
        newline(w, 2);
        w.writeEndElement();
      }
      newline(w, 1);
      w.writeEndElement();
      newline(w, 0);
      w.writeEndElement();
      w.writeEndDocument();
      w.close();
    } catch (XMLStreamException e) {
      throw new IllegalStateException("cannot write " + ShellFiles.DRIVER_METADATA, e);
    }
    return text + "\n";
  }

  /** The command's {@code <Parameters>}, from {@link Command#parameters()}. */
  private static void writeParameters(XMLStreamWriter w, List<CommandParameter> params)
      throws XMLStreamException {
    newline(w, 4);
    w.writeStartElement("Parameters");
    for (CommandParameter p : params) {
      newline(w, 5);
      w.writeEmptyElement("Parameter");
      w.writeAttribute("Name", p.name());
      w.writeAttribute("DisplayName", p.displayName());
      w.writeAttribute("Description", p.description());
      w.writeAttribute("Type", p.type());
      w.writeAttribute("Mandatory", p.mandatory() ? "True" : "False");
      if (!p.allowedValues().isEmpty()) {
        w.writeAttribute("AllowedValues", String.join(",", p.allowedValues()));
      }
      w.writeAttribute("DefaultValue", p.defaultValue());
    }
    newline(w, 4);
    w.writeEndElement();
  }

  private static void newline(XMLStreamWriter w, int depth) throws XMLStreamException {
    w.writeCharacters("\n" + "  ".repeat(depth));
  }
}
