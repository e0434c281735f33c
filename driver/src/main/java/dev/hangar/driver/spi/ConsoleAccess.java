package dev.hangar.driver.spi;

/**
 * How a user reaches a deployed VM's console. {@code kind} says what it is ({@code "vnc"},
 * {@code "serial"}, {@code "console-output"}); {@code url} is what a viewer opens
 * ({@code vnc://host:5901}, a web console); {@code command} a command line that opens it from a
 * shell; {@code text} what the console printed, for clouds that only keep its output;
 * {@code note} what the user must know (the port is on the hypervisor's address, a password is
 * needed, ...). Empty strings where a part does not apply; never a secret.
 */
public record ConsoleAccess(String kind, String url, String command, String text, String note) {
  public ConsoleAccess {
    kind = kind == null ? "" : kind;
    url = url == null ? "" : url;
    command = command == null ? "" : command;
    text = text == null ? "" : text;
    note = note == null ? "" : note;
  }
}
