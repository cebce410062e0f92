package dev.sediment.pipelines;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.sameInstance;
import static org.junit.Assert.assertTrue;

import java.beans.Introspector;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.options.PipelineOptionsRegistrar;
import org.junit.Test;

/**
 * {@link OptionsRegistrar} stands in for Beam's registrars in the bundled jar: it must know every
 * registrar on the classpath (the module's runtime classpath is what the jar bundles) and register
 * the same options they do.
 */
public class OptionsRegistrarTest {

  /** What ServiceLoader finds besides ours: Beam's services files, as the shaded jar merges them. */
  private static Set<String> registrarsOnClasspath() {
    Set<String> names = new TreeSet<>();
    for (PipelineOptionsRegistrar r : ServiceLoader.load(PipelineOptionsRegistrar.class)) {
      if (!(r instanceof OptionsRegistrar)) {
        names.add(r.getClass().getName());
      }
    }
    return names;
  }

  private static Class<? extends PipelineOptions> combined(
      List<Class<? extends PipelineOptions>> registered) {
    return registered.get(registered.size() - 1);
  }

  private static List<Class<? extends PipelineOptions>> registered() {
    List<Class<? extends PipelineOptions>> list = new ArrayList<>();
    new OptionsRegistrar().getPipelineOptions().forEach(list::add);
    return list;
  }

  /** Property names reachable from {@code interfaces}, as Beam's parser derives them. */
  private static Set<String> properties(Iterable<? extends Class<?>> interfaces) {
    Set<String> names = new TreeSet<>();
    for (Class<?> c : interfaces) {
      for (Method m : c.getMethods()) {
        String n = m.getName();
        if (m.getParameterCount() == 0 && !Modifier.isStatic(m.getModifiers())) {
          if (n.startsWith("get") && n.length() > 3) {
            names.add(Introspector.decapitalize(n.substring(3)));
          } else if (n.startsWith("is") && n.length() > 2) {
            names.add(Introspector.decapitalize(n.substring(2)));
          }
        }
      }
    }
    return names;
  }

  @Test
  public void beamRegistrars_areExactlyTheRegistrarsOnTheClasspath() {
    // A new runner, IO or Beam version with another registrar fails here: add it to the list, or
    // its options would be unknown to bin/sediment.
    assertThat(new TreeSet<>(OptionsRegistrar.BEAM_REGISTRARS), equalTo(registrarsOnClasspath()));
  }

  @Test
  public void combinedInterface_extendsEveryInterfaceBeamsRegistrarsRegister() {
    Class<? extends PipelineOptions> all = combined(registered());
    assertThat(all.getName(), equalTo(OptionsRegistrar.COMBINED_NAME));
    assertTrue(all.isInterface());
    assertTrue(Modifier.isPublic(all.getModifiers()));
    assertThat(all.getDeclaredMethods().length, equalTo(0));
    List<String> missing = new ArrayList<>();
    int count = 0;
    for (PipelineOptionsRegistrar r : ServiceLoader.load(PipelineOptionsRegistrar.class)) {
      if (r instanceof OptionsRegistrar) {
        continue;
      }
      for (Class<? extends PipelineOptions> c : r.getPipelineOptions()) {
        count++;
        if (!c.isAssignableFrom(all)) {
          missing.add(c.getName());
        }
      }
    }
    assertThat(missing, empty());
    assertThat(count > 20, equalTo(true));
  }

  @Test
  public void registeredOptions_sameOptionNamesAsBeamsRegistrarsPlusSedimentS3() throws Exception {
    Set<Class<?>> beam = new LinkedHashSet<>();
    for (PipelineOptionsRegistrar r : ServiceLoader.load(PipelineOptionsRegistrar.class)) {
      if (!(r instanceof OptionsRegistrar)) {
        r.getPipelineOptions().forEach(beam::add);
      }
    }
    // Sediment.runCommand registers SedimentS3Options for every command anyway.
    beam.add(dev.sediment.io.aws.SedimentS3Options.class);
    Set<String> expected = properties(beam);
    assertThat(properties(registered()), equalTo(expected));
    // The options other runners and S3 need are among them.
    for (String p :
        List.of(
            "runner",
            "flinkMaster",
            "parallelism",
            "project",
            "region",
            "tempLocation",
            "gcpTempLocation",
            "endpoint",
            "awsRegion",
            "awsCredentialsProvider",
            "s3PathStyleAccess",
            "s3ClientFactoryClass",
            "enforceImmutability",
            "experiments",
            "resourceHints",
            "kinesisIOConsumerArns")) {
      assertTrue(p, expected.contains(p));
    }
  }

  @Test
  public void early_everyInterfaceExistsAndIsRegisteredBeforeTheCombinedOne() throws Exception {
    List<Class<? extends PipelineOptions>> registered = registered();
    List<String> names = new ArrayList<>();
    for (Class<?> c : registered.subList(0, registered.size() - 1)) {
      names.add(c.getName());
    }
    // All present: a misspelt name would be skipped silently and cost a validation per run.
    assertThat(names, equalTo(OptionsRegistrar.EARLY));
    Class<? extends PipelineOptions> all = combined(registered);
    for (Class<?> c : registered) {
      assertTrue(c.getName(), c.isAssignableFrom(all));
    }
  }

  @Test
  public void combinedInterface_definedOncePerClassLoader() {
    assertThat(combined(registered()), sameInstance(combined(registered())));
  }

  @Test
  public void combinedInterface_isAWellFormedOptionsInterface() {
    Class<? extends PipelineOptions> all = combined(registered());
    // Beam validates the interface and its super-interfaces together (same names, same types).
    PipelineOptionsFactory.register(all);
    assertTrue(PipelineOptionsFactory.getRegisteredOptions().contains(all));
    PipelineOptions options =
        PipelineOptionsFactory.fromArgs(
                "--runner=DirectRunner", "--parallelism=3", "--awsRegion=us-east-1")
            .as(all);
    assertThat(options.getRunner().getSimpleName(), equalTo("DirectRunner"));
  }

  @Test
  public void interfaceBytes_declareTheGivenSuperInterfaces() throws Exception {
    Set<Class<?>> supers = new LinkedHashSet<>(List.of(Runnable.class, AutoCloseable.class));
    byte[] bytes = OptionsRegistrar.interfaceBytes("dev.sediment.pipelines.ProbeIface", supers);
    Class<?> probe = java.lang.invoke.MethodHandles.lookup().defineClass(bytes);
    assertTrue(probe.isInterface());
    assertThat(new HashSet<>(List.of(probe.getInterfaces())), equalTo(new HashSet<>(supers)));
    assertThat(probe.getSuperclass() == null, equalTo(true));
  }
}
