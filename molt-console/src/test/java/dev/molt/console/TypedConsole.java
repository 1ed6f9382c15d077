package dev.molt.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code molt remote} in a JVM of its own, typed into through a pipe, as a person types: lines,
 * keys (Tab, Ctrl-C as byte 3, Ctrl-D as byte 4), and what the screen showed up to each prompt.
 */
final class TypedConsole {
  final Process process;
  private final OutputStream keys;
  private final StringBuffer screen = new StringBuffer();
  private int seen;

  TypedConsole(List<String> command) throws IOException {
    process = new ProcessBuilder(command).redirectErrorStream(true).start();
    keys = process.getOutputStream();
    InputStream in = process.getInputStream();
    Thread.ofPlatform()
        .daemon()
        .start(
            () -> {
              byte[] buffer = new byte[8192];
              try {
                int n;
                while ((n = in.read(buffer)) > 0) {
                  screen.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
                }
              } catch (IOException e) {
                // the console ended
              }
            });
  }

  /** Waits for the next prompt; what was printed before it. */
  String prompt() {
    await().atMost(Duration.ofSeconds(90)).until(() -> screen.indexOf("molt> ", seen) >= 0);
    int at = screen.indexOf("molt> ", seen);
    String printed = screen.substring(seen, at);
    seen = at + "molt> ".length();
    return printed;
  }

  /** Types a line and Enter; what the node answered, up to the next prompt. */
  String type(String line) throws IOException {
    typeUnfinished(line);
    return prompt();
  }

  /** Types a line that is not complete Java yet, or one that runs on: no prompt is waited for. */
  void typeUnfinished(String line) throws IOException {
    typeKeys(line + "\n");
  }

  /** Types keys without Enter. */
  void typeKeys(String text) throws IOException {
    keys.write(text.getBytes(StandardCharsets.UTF_8));
    keys.flush();
  }

  /** Everything printed from now until {@code expected} shows, then up to the prompt after it. */
  String until(String expected) {
    int from = seen;
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                screen.indexOf(expected, from) >= 0
                    && screen.indexOf("molt> ", screen.indexOf(expected, from)) >= 0);
    int prompt = screen.indexOf("molt> ", screen.indexOf(expected, from));
    seen = prompt + "molt> ".length();
    return screen.substring(from, prompt);
  }

  void press(int key) throws IOException {
    keys.write(key);
    keys.flush();
  }

  /** Ctrl-D: leaves. */
  int leave() throws Exception {
    press(4);
    keys.close();
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return process.exitValue();
  }

  String screen() {
    return screen.toString();
  }
}
