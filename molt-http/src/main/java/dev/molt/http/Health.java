package dev.molt.http;

import dev.molt.Process;
import dev.molt.code.CodeServer;
import dev.molt.code.ModuleInfo;
import dev.molt.release.InstallResult;
import dev.molt.release.ReleaseHandler;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.Locale;
import java.util.TreeMap;

/**
 * The node's figures for an operator, as JSON: its processes, the current version of each module,
 * and the last upgrade or downgrade with its pause.
 */
final class Health implements Handler {
  @Override
  public void handle(ServerRequest request, ServerResponse response) {
    response.header(HeaderNames.CONTENT_TYPE, "application/json");
    response.send(json());
  }

  static String json() {
    StringBuilder out = new StringBuilder("{\"status\":\"up\",\"processes\":");
    out.append(Process.processes().size()).append(",\"modules\":{");
    TreeMap<String, Integer> modules = new TreeMap<>();
    for (ModuleInfo module : CodeServer.allLoaded()) {
      if (module.status() == ModuleInfo.Status.CURRENT) {
        modules.put(module.name(), module.version());
      }
    }
    String separator = "";
    for (var module : modules.entrySet()) {
      out.append(separator).append(string(module.getKey())).append(':').append(module.getValue());
      separator = ",";
    }
    out.append("},\"lastUpgrade\":");
    ReleaseHandler.lastInstall()
        .ifPresentOrElse(
            last -> {
              InstallResult r = last.result();
              out.append("{\"release\":")
                  .append(string(last.release()))
                  .append(",\"from\":")
                  .append(string(r.from()))
                  .append(",\"to\":")
                  .append(string(r.to()))
                  .append(",\"at\":")
                  .append(string(last.at().toString()))
                  .append(",\"suspended\":")
                  .append(r.suspended())
                  .append(
                      String.format(Locale.ROOT, ",\"pauseMs\":%.1f", r.pause().toNanos() / 1e6))
                  .append(
                      String.format(Locale.ROOT, ",\"totalMs\":%.1f", r.total().toNanos() / 1e6))
                  .append('}');
            },
            () -> out.append("null"));
    return out.append('}').toString();
  }

  /** A JSON string. */
  static String string(String text) {
    StringBuilder out = new StringBuilder("\"");
    for (char c : text.toCharArray()) {
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        default -> {
          if (c < 0x20) {
            out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }
}
