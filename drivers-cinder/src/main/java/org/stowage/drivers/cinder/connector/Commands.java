package org.stowage.drivers.cinder.connector;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Runs the privileged commands of the connectors (mount, umount, chown), each with a deadline. */
final class Commands {
    /** How long one command may take before it is killed. */
    static final long DEADLINE_SECONDS = 120;

    private Commands() {
    }

    /** What a command printed (stdout and stderr together) and its exit status; -1 when it was killed. */
    record Outcome(int exit, String output) {
        boolean ok() {
            return exit == 0;
        }

        /** {@code output (exit n)}, for messages. */
        String describe() {
            return (output.isEmpty() ? "" : output + " ") + (exit < 0 ? "(timed out after " + DEADLINE_SECONDS
                    + " s, killed)" : "(exit " + exit + ")");
        }
    }

    static Outcome run(List<String> cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().close();
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()));
        try {
            if (!p.waitFor(DEADLINE_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Outcome(-1, String.join(" ", cmd));
            }
            return new Outcome(p.exitValue(), out.get(5, TimeUnit.SECONDS).trim());
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + String.join(" ", cmd), e);
        } catch (ExecutionException | TimeoutException e) {
            return new Outcome(p.exitValue(), "<output not readable: " + e + ">");
        }
    }

    private static String readAll(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "<output not readable: " + e + ">";
        }
    }
}
