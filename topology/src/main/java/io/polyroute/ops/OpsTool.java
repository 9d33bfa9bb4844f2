package io.polyroute.ops;

import java.net.URISyntaxException;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Command line of the cluster scripts in {@code ops/}: {@code topics}, {@code produce},
 * {@code submit} and {@code verify}. Runs from the shaded jar:
 *
 * <pre>{@code
 * java -cp topology/target/polyroute-topology-*-all.jar io.polyroute.ops.OpsTool produce \
 *     --bootstrap-servers 127.0.0.1:29111 --topic sensors --records 100000 --dim 16
 * }</pre>
 */
@Command(name = "polyroute-ops", mixinStandardHelpOptions = true,
        description = "Cluster operations for the chaos and overload tests.",
        subcommands = {CommandLine.HelpCommand.class, TopicsCommand.class, ProduceCommand.class,
            SubmitCommand.class, VerifyCommand.class})
public final class OpsTool implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** Runs a subcommand; usage errors exit with 2, failures with 1. */
    public static void main(String[] args) {
        CommandLine cl = new CommandLine(new OpsTool());
        cl.setExecutionExceptionHandler((e, line, parsed) -> {
            line.getErr().println("error: " + e.getMessage());
            if (!(e instanceof IllegalArgumentException)) {
                e.printStackTrace(line.getErr());
            }
            return e instanceof IllegalArgumentException ? 2 : 1;
        });
        System.exit(cl.execute(args));
    }

    /** The jar this class was loaded from, which is the job jar a remote cluster needs. */
    static String jarPath() {
        try {
            Path p = Path.of(OpsTool.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (!p.toString().endsWith(".jar")) {
                throw new IllegalStateException("Submitting to a cluster needs the shaded jar "
                        + "topology/target/polyroute-topology-*-all.jar on the classpath, not the classes in " + p + ".");
            }
            return p.toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException("Cannot locate the job jar: " + e.getMessage(), e);
        }
    }
}
