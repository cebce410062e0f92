package dev.sediment.pipelines;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.options.PipelineOptionsRegistrar;

/**
 * Registers the options of every Beam runner and IO in the bundled jar with {@link
 * PipelineOptionsFactory} in one step instead of one per interface: the bundled jar lists this
 * class as its only {@link PipelineOptionsRegistrar} ({@code pipelines/pom.xml} leaves Beam's own
 * entries out) and it registers what the Beam registrars named in {@link #BEAM_REGISTRARS} would.
 *
 * <p>Why: Beam validates the union of all registered interfaces again for each interface it
 * registers, building a proxy class over all of them and sorting their methods by {@code
 * Method.toGenericString()}. With the 24 interfaces of the 12 registrars of direct, Flink,
 * Dataflow, AWS and GCP that took about 3 s of every command's start on a quiet 2-core machine,
 * more than all the rest of Beam's option handling. Registered as one interface that extends them
 * all ({@link #combinedInterface}), the union is validated once.
 *
 * <p>Nothing changes for the user: the same options parse, with the same types, defaults and
 * messages, on every runner, and {@code --help=INTERFACE} finds the same interfaces (they are
 * super-interfaces of the registered one). The combined interface is made at run time from the
 * registrars present, so this module still never compiles against a runner; {@code
 * OptionsRegistrarTest} fails when a registrar appears on the classpath that is not in {@link
 * #BEAM_REGISTRARS}.
 *
 * <p>{@link #EARLY} interfaces are registered on their own before the combined one: Beam calls
 * {@code options.as(X)} on them in every run, and {@code as} on an interface that is not
 * registered costs a validation of all the ~1,000 option methods (about 0.1 to 0.3 s each), while
 * registering these small interfaces first costs little.
 */
public final class OptionsRegistrar implements PipelineOptionsRegistrar {

  /** The registrars of Beam modules in the bundled jar, as their services files list them. */
  static final List<String> BEAM_REGISTRARS =
      List.of(
          "org.apache.beam.sdk.options.DefaultPipelineOptionsRegistrar",
          "org.apache.beam.sdk.options.ManualDockerEnvironmentOptions$Options",
          "org.apache.beam.sdk.options.RemoteEnvironmentOptions$Options",
          "org.apache.beam.sdk.transforms.resourcehints.ResourceHintsOptions$Options",
          "org.apache.beam.sdk.util.construction.ExternalTranslationOptionsRegistrar",
          "org.apache.beam.sdk.io.aws2.kinesis.KinesisIOOptions$KinesisIOOptionsRegistrar",
          "org.apache.beam.sdk.io.aws2.options.AwsPipelineOptionsRegistrar",
          "org.apache.beam.runners.direct.DirectRegistrar$Options",
          "org.apache.beam.runners.flink.FlinkRunnerRegistrar$Options",
          "org.apache.beam.sdk.extensions.gcp.options.GcpPipelineOptionsRegistrar",
          "org.apache.beam.runners.dataflow.DataflowPipelineRegistrar$Options",
          "org.apache.beam.sdk.io.gcp.common.GcpIoPipelineOptionsRegistrar");

  /**
   * Interfaces Beam or Sediment look up with {@code options.as(X)} in every DirectRunner run (seen
   * with {@code -Xlog:class+load=debug}: each such call on an unregistered interface defines a new
   * proxy class over all registered ones). Small, so registering them one by one is cheap.
   */
  static final List<String> EARLY =
      List.of(
          "org.apache.beam.sdk.options.PipelineOptions",
          "org.apache.beam.sdk.options.ApplicationNameOptions",
          "org.apache.beam.sdk.options.StreamingOptions",
          "org.apache.beam.sdk.options.ExperimentalOptions",
          "org.apache.beam.sdk.transforms.resourcehints.ResourceHintsOptions",
          "org.apache.beam.runners.direct.DirectOptions",
          "org.apache.beam.runners.direct.DirectTestOptions",
          "org.apache.beam.sdk.options.PortablePipelineOptions",
          "org.apache.beam.sdk.io.aws2.options.S3Options",
          "dev.sediment.io.aws.SedimentS3Options",
          "org.apache.beam.sdk.extensions.gcp.options.GcsOptions");

  static final String COMBINED_NAME = "dev.sediment.pipelines.RegisteredBeamOptions";

  @Override
  public Iterable<Class<? extends PipelineOptions>> getPipelineOptions() {
    ClassLoader loader = OptionsRegistrar.class.getClassLoader();
    List<Class<? extends PipelineOptions>> early = new ArrayList<>();
    for (String name : EARLY) {
      Class<? extends PipelineOptions> c = optionsClass(name, loader);
      if (c != null) {
        early.add(c);
      }
    }
    Set<Class<? extends PipelineOptions>> all = new LinkedHashSet<>(early);
    all.addAll(beamRegistered(loader));
    List<Class<? extends PipelineOptions>> result = new ArrayList<>(early);
    result.add(combinedInterface(all));
    return result;
  }

  /** Every interface the registrars of {@link #BEAM_REGISTRARS} present on the classpath give. */
  static Set<Class<? extends PipelineOptions>> beamRegistered(ClassLoader loader) {
    Set<Class<? extends PipelineOptions>> all = new LinkedHashSet<>();
    for (String name : BEAM_REGISTRARS) {
      Class<?> k;
      try {
        k = Class.forName(name, true, loader);
      } catch (ClassNotFoundException absent) {
        continue; // that runner or IO is not in this build
      }
      PipelineOptionsRegistrar registrar;
      try {
        registrar = (PipelineOptionsRegistrar) k.getDeclaredConstructor().newInstance();
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException("cannot create Beam options registrar " + name, e);
      }
      for (Class<? extends PipelineOptions> c : registrar.getPipelineOptions()) {
        all.add(c);
      }
    }
    return all;
  }

  /**
   * One public interface extending all of {@code interfaces}, defined in this package. It declares
   * nothing, so every option keeps the interface that declares it (display data namespaces and
   * {@code --help=INTERFACE} stay as they were).
   */
  static Class<? extends PipelineOptions> combinedInterface(
      Set<Class<? extends PipelineOptions>> interfaces) {
    ClassLoader loader = OptionsRegistrar.class.getClassLoader();
    try {
      // Defined once per class loader; a second Cache (PipelineOptionsFactory.resetCache) reuses it.
      return Class.forName(COMBINED_NAME, false, loader).asSubclass(PipelineOptions.class);
    } catch (ClassNotFoundException notYet) {
      // define it below
    }
    try {
      return MethodHandles.lookup()
          .defineClass(interfaceBytes(COMBINED_NAME, interfaces))
          .asSubclass(PipelineOptions.class);
    } catch (LinkageError raced) {
      // Another thread defined it first.
      try {
        return Class.forName(COMBINED_NAME, false, loader).asSubclass(PipelineOptions.class);
      } catch (ClassNotFoundException e) {
        throw raced;
      }
    } catch (IllegalAccessException e) {
      throw new IllegalStateException("cannot define " + COMBINED_NAME, e);
    }
  }

  /**
   * The class file of {@code public interface NAME extends I1, I2, ... {}} (JVM spec 4.1; Java 8
   * format, no methods, fields or attributes).
   */
  static byte[] interfaceBytes(String name, Set<? extends Class<?>> interfaces) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(0xCAFEBABE);
      out.writeShort(0); // minor version
      out.writeShort(52); // major version: Java 8
      // Constant pool: for each class a Utf8 entry (its internal name) then a Class entry
      // pointing at it. Entry 1-2: this class, 3-4: java.lang.Object, then the interfaces.
      List<String> classes = new ArrayList<>();
      classes.add(name);
      classes.add(Object.class.getName());
      for (Class<?> c : interfaces) {
        classes.add(c.getName());
      }
      out.writeShort(1 + 2 * classes.size());
      for (int i = 0; i < classes.size(); i++) {
        out.writeByte(1); // CONSTANT_Utf8
        out.writeUTF(classes.get(i).replace('.', '/'));
        out.writeByte(7); // CONSTANT_Class
        out.writeShort(2 * i + 1);
      }
      out.writeShort(0x0001 | 0x0200 | 0x0400); // ACC_PUBLIC | ACC_INTERFACE | ACC_ABSTRACT
      out.writeShort(2); // this class
      out.writeShort(4); // super class
      out.writeShort(interfaces.size());
      for (int i = 2; i < classes.size(); i++) {
        out.writeShort(2 * i + 2);
      }
      out.writeShort(0); // fields
      out.writeShort(0); // methods
      out.writeShort(0); // attributes
    } catch (IOException e) {
      throw new IllegalStateException(e); // a ByteArrayOutputStream does not fail
    }
    return bytes.toByteArray();
  }

  private static Class<? extends PipelineOptions> optionsClass(String name, ClassLoader loader) {
    try {
      return Class.forName(name, false, loader).asSubclass(PipelineOptions.class);
    } catch (ClassNotFoundException absent) {
      return null;
    }
  }
}
