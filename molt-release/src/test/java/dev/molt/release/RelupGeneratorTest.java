package dev.molt.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.molt.release.RelupInstruction.CodeChange;
import dev.molt.release.RelupInstruction.PointOfNoReturn;
import dev.molt.release.RelupInstruction.Prepare;
import dev.molt.release.RelupInstruction.Resume;
import dev.molt.release.RelupInstruction.StartApplication;
import dev.molt.release.RelupInstruction.StopApplication;
import dev.molt.release.RelupInstruction.Suspend;
import dev.molt.release.RelupInstruction.Switch;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RelupGeneratorTest {
  static ReleaseDescriptor release(String version, String... applications) {
    return ReleaseDescriptor.parse(
        "kv-" + version + ".release",
        "release kv " + version + " {\n  java 25\n" + String.join("\n", applications) + "\n}\n");
  }

  static String app(String name, String version, String... lines) {
    return "  application "
        + name
        + " "
        + version
        + " {\n    start dev.example."
        + name
        + "App\n"
        + String.join("\n", lines)
        + "\n  }";
  }

  static final ReleaseDescriptor V1 =
      release(
          "1.0.0",
          app("store", "1.0.0", "    module store store.jar"),
          app(
              "kv",
              "1.0.0",
              "    module kv kv.jar",
              "    module helpers helpers.jar",
              "    depends store"),
          app("legacy", "1.0.0", "    module legacy legacy.jar"));

  static final ReleaseDescriptor V2 =
      release(
          "1.1.0",
          app("store", "1.1.0", "    module store store.jar"),
          app(
              "kv",
              "1.1.0",
              "    module kv kv.jar",
              "    module helpers helpers.jar",
              "    depends store",
              "    config greeting=\"hi\""),
          app("metrics", "1.0.0", "    module metrics metrics.jar", "    depends kv"));

  static final Appup KV_APPUP =
      Appup.parse(
          "kv.appup",
          """
      appup kv 1.1.0 {
        up 1.0.0 {
          update kv extra="add counter" timeout=3s depends=[store]
          load_module helpers
        }
        down 1.0.0 {
          update kv extra="drop counter"
          load_module helpers
        }
      }
      """);

  static final Appup STORE_APPUP =
      Appup.parse(
          "store.appup",
          """
      appup store 1.1.0 {
        up 1.0.0 { update store timeout=8s }
        down 1.0.0 { update store }
      }
      """);

  @Test
  void theUpScriptPreparesSuspendsSwitchesChangesThenResumesAndStartsWhatIsNew() {
    Relup relup =
        RelupGenerator.generate(V2, List.of(V1), Map.of("kv", KV_APPUP, "store", STORE_APPUP));
    List<RelupInstruction> up = relup.upFrom("1.0.0").orElseThrow().instructions();
    assertThat(up)
        .containsExactly(
            new RelupInstruction.PrePurge(List.of("store", "kv"), AppupInstruction.Purge.BRUTAL),
            new Prepare(List.of("store", "kv", "helpers", "metrics")),
            new Suspend(List.of("store", "kv"), Duration.ofSeconds(8)),
            new Switch(List.of("legacy")),
            new CodeChange("store", null),
            new CodeChange("kv", "add counter"),
            new PointOfNoReturn(),
            new Resume(List.of("store", "kv")),
            new RelupInstruction.PostPurge(List.of("store", "kv"), AppupInstruction.Purge.BRUTAL),
            new StopApplication("legacy"),
            new StartApplication("metrics"),
            new RelupInstruction.ConfigChange("kv"));
    List<RelupInstruction> down = relup.downTo("1.0.0").orElseThrow().instructions();
    assertThat(down)
        .containsExactly(
            new RelupInstruction.PrePurge(List.of("store", "kv"), AppupInstruction.Purge.BRUTAL),
            new Prepare(List.of("store", "kv", "helpers", "legacy")),
            new Suspend(List.of("store", "kv"), Duration.ofSeconds(5)),
            new Switch(List.of("metrics")),
            new CodeChange("store", null),
            new CodeChange("kv", "drop counter"),
            new PointOfNoReturn(),
            new Resume(List.of("store", "kv")),
            new RelupInstruction.PostPurge(List.of("store", "kv"), AppupInstruction.Purge.BRUTAL),
            new StopApplication("metrics"),
            new StartApplication("legacy"),
            new RelupInstruction.ConfigChange("kv"));
    assertThat(Relup.parse("relup", relup.write())).isEqualTo(relup);
  }

  @Test
  void purgeModesOfTheAppupBecomePurgeSteps() {
    Appup soft =
        Appup.parse(
            "kv.appup",
            "appup kv 1.1.0 {\n up 1.0.0 { update kv pre_purge=soft post_purge=soft }\n"
                + " down 1.0.0 { update kv }\n}");
    Relup relup =
        RelupGenerator.generate(V2, List.of(V1), Map.of("kv", soft, "store", STORE_APPUP));
    List<RelupInstruction> up = relup.upFrom("1.0.0").orElseThrow().instructions();
    assertThat(up.subList(0, 2))
        .as("the soft check first")
        .containsExactly(
            new RelupInstruction.PrePurge(List.of("kv"), AppupInstruction.Purge.SOFT),
            new RelupInstruction.PrePurge(List.of("store"), AppupInstruction.Purge.BRUTAL));
    assertThat(up)
        .contains(new RelupInstruction.PostPurge(List.of("kv"), AppupInstruction.Purge.SOFT));
    assertThat(Relup.parse("relup", relup.write())).isEqualTo(relup);
    assertThatThrownBy(
            () ->
                Relup.parse(
                    "relup",
                    "relup kv 1.1.0 {\n up 1.0.0 {\n  prepare kv\n  pre_purge kv mode=soft\n"
                        + "  point_of_no_return\n }\n}"))
        .hasMessageContaining("pre_purge must come before prepare");
  }

  @Test
  void aChangedApplicationWithoutAnAppupIsRefusedByName() {
    assertThatThrownBy(() -> RelupGenerator.generate(V2, List.of(V1), Map.of("kv", KV_APPUP)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "application store changes between 1.0.0 and 1.1.0 but there is no appup of store 1.1.0");
    Appup noDown = Appup.parse("kv.appup", "appup kv 1.1.0 {\n up 1.0.0 { update kv }\n}");
    assertThatThrownBy(
            () ->
                RelupGenerator.generate(
                    V2, List.of(V1), Map.of("kv", noDown, "store", STORE_APPUP)))
        .hasMessageContaining("the appup of kv 1.1.0 has no 'down 1.0.0'");
  }

  @Test
  void anAppupNamingAModuleTheApplicationDoesNotHaveIsRefused() {
    Appup wrong =
        Appup.parse("kv.appup", "appup kv 1.1.0 {\n up 1.0.0 { update store }\n down 1.0.0 {}\n}");
    assertThatThrownBy(
            () ->
                RelupGenerator.generate(V2, List.of(V1), Map.of("kv", wrong, "store", STORE_APPUP)))
        .hasMessage(
            "update store in the appup of kv, but kv 1.1.0 has no module store (it belongs to store)");
    Appup missing =
        Appup.parse(
            "kv.appup", "appup kv 1.1.0 {\n up 1.0.0 { load_module nothing }\n down 1.0.0 {}\n}");
    assertThatThrownBy(
            () ->
                RelupGenerator.generate(
                    V2, List.of(V1), Map.of("kv", missing, "store", STORE_APPUP)))
        .hasMessage("load_module nothing in the appup of kv, but kv 1.1.0 has no module nothing");
  }

  @Test
  void updatesThatDependOnEachOtherInACycleAreRefused() {
    ReleaseDescriptor v2 =
        release(
            "1.1.0", app("kv", "1.1.0", "    module kv kv.jar", "    module helpers helpers.jar"));
    ReleaseDescriptor v1 =
        release(
            "1.0.0", app("kv", "1.0.0", "    module kv kv.jar", "    module helpers helpers.jar"));
    Appup cycle =
        Appup.parse(
            "kv.appup",
            """
        appup kv 1.1.0 {
          up 1.0.0 { update kv depends=[helpers]; update helpers depends=[kv] }
          down 1.0.0 {}
        }
        """);
    assertThatThrownBy(() -> RelupGenerator.generate(v2, List.of(v1), Map.of("kv", cycle)))
        .hasMessage("updates depend on each other in a cycle: kv -> helpers -> kv");
  }

  @Test
  void aRelupFileWithABadShapeIsRefusedAtTheScript() {
    assertThatThrownBy(
            () ->
                Relup.parse(
                    "relup",
                    """
        relup kv 1.1.0 {
          up 1.0.0 {
            prepare kv
            suspend kv
            switch
            code_change kv
            point_of_no_return
          }
        }
        """))
        .isInstanceOfSatisfying(
            FormatException.class,
            e -> {
              assertThat(e.line()).isEqualTo(2);
              assertThat(e.reason())
                  .isEqualTo("'up 1.0.0': module kv is suspended and never resumed");
            });
    assertThatThrownBy(
            () ->
                Relup.parse(
                    "relup", "relup kv 1.1.0 {\n up 1.0.0 {\n  prepare kv\n  switch\n }\n}"))
        .hasMessageContaining("no point_of_no_return");
    assertThatThrownBy(
            () ->
                Relup.parse(
                    "relup",
                    "relup kv 1.1.0 {\n up 1.0.0 {\n  suspend kv\n  code_change kv\n"
                        + "  point_of_no_return\n  resume kv\n }\n}"))
        .hasMessageContaining("step 2 (code_change kv): code_change kv before switch");
    assertThatThrownBy(
            () ->
                Relup.parse(
                    "relup",
                    "relup kv 1.1.0 {\n up 1.0.0 {\n  point_of_no_return\n  resume kv\n }\n}"))
        .hasMessageContaining("resume kv, which was not suspended");
  }

  @Test
  void validationAgainstTheReleasesFindsModulesThatAreNotThere() {
    Relup relup =
        Relup.parse(
            "relup",
            """
        relup kv 1.1.0 {
          up 1.0.0 {
            prepare kv ghost
            switch
            point_of_no_return
          }
        }
        """);
    assertThatThrownBy(() -> relup.validate(V2, Map.of("1.0.0", V1)))
        .hasMessage("relup 1.1.0, up 1.0.0: module ghost is not in release kv 1.1.0");
    Relup stopsKv =
        Relup.parse(
            "relup",
            "relup kv 1.1.0 {\n up 1.0.0 {\n  point_of_no_return\n  stop_application kv\n"
                + "  stop_application legacy\n }\n}");
    assertThatThrownBy(() -> stopsKv.validate(V2, Map.of("1.0.0", V1)))
        .hasMessage("relup 1.1.0, up 1.0.0: application kv is stopped and never started again");
  }
}
