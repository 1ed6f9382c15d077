package dev.molt.examples.kv;

import dev.molt.testkit.LauncherNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.apache.commons.io.FileUtils;

/**
 * The release-level demo: kv 1.0.0 started from its tarball with {@code bin/kv}, loaded with data
 * and a client calling without pause, upgraded live to 1.1.0 (the talk's logging patch and a new
 * state shape), then the calls made and failed, the longest call, and the releases. {@code java ...
 * KvReleaseDemo <dir with kv-1.0.0.tar.gz and kv-1.1.0.tar.gz>}.
 */
public final class KvReleaseDemo {
  private KvReleaseDemo() {}

  public static void main(String[] args) throws Exception {
    Path target = Path.of(args.length > 0 ? args[0] : "target").toAbsolutePath();
    Path root = Files.createTempDirectory("kv-release-");
    step(1, "extract and unpack " + target.resolve("kv-1.0.0.tar.gz") + " into " + root);
    try (LauncherNode node = LauncherNode.extract(target.resolve("kv-1.0.0.tar.gz"), root)) {
      step(2, "bin/kv start: " + node.ok("start"));
      step(3, "bin/kv eval: put a=42 and 10,000 more keys");
      node.ok(
          "eval", "KV.put(\"a\", 42); for (int i = 0; i < 10_000; i++) { KV.put(\"k\" + i, i); }");
      System.out.println("      KV.get(\"a\") = " + node.ok("eval", "KV.get(\"a\")"));
      step(4, "a client process in the node calls KV.get(\"a\") without pause");
      int load = node.startLoad("KV.get(\"a\")", "42");
      LauncherNode.Load before = node.load(load);
      System.out.println("      " + before.calls() + " calls so far");
      step(
          5,
          "bin/kv upgrade "
              + target.resolve("kv-1.1.0.tar.gz")
              + " (unpack, install live, make permanent)");
      // the command line shows the install's phases as the node goes through them, then its result
      node.ok("upgrade", target.resolve("kv-1.1.0.tar.gz").toString())
          .lines()
          .forEach(line -> System.out.println("      " + line));
      LauncherNode.Load after = node.load(load);
      System.out.println(
          "      KV.get(\"a\") = " + node.ok("eval", "KV.get(\"a\")") + ", and the node logged:");
      node.log()
          .lines()
          .filter(
              line ->
                  line.contains("code change from") || line.contains("Handling get request for a"))
          .limit(2)
          .forEach(line -> System.out.println("      " + line));
      step(6, "results");
      System.out.println("      calls made:    " + after.calls());
      System.out.println("      calls failed:  " + after.failed());
      System.out.println(
          String.format(
              Locale.ROOT,
              "      longest call:  %.1f ms (the client's longest wait, the upgrade's pause included)",
              after.longestNanos() / 1e6));
      System.out.println("      bin/kv releases:");
      node.ok("releases").lines().forEach(line -> System.out.println("        " + line));
      System.out.println("      bin/kv stop: " + node.ok("stop"));
    } finally {
      FileUtils.deleteDirectory(root.toFile());
    }
  }

  private static void step(int n, String what) {
    System.out.println("[" + n + "/6] " + what);
  }
}
