package org.stowage.cli;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * logback's first configuration, found through {@code META-INF/services} before logback would look
 * for any XML file: warnings and errors on stderr as text ({@link LogSetup#defaults}), until
 * {@link Main} applies the command line's options. Also what any other program on the CLI's class
 * path gets (the distribution's plugin indexer).
 */
public final class StowageLogConfigurator extends ContextAwareBase implements Configurator {
    @Override
    public ExecutionStatus configure(LoggerContext context) {
        LogSetup.defaults(context);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }
}
