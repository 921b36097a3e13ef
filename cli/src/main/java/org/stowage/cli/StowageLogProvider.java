package org.stowage.cli;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * The command line's slf4j provider: logback's logger context, set up by {@link LogSetup#defaults}
 * without logback's auto-configuration. {@link Main} names it in the {@code slf4j.provider} system
 * property, so neither slf4j nor logback searches every jar of lib/ for service files at start-up
 * (a tenth of a second of {@code bin/stowage}'s start). Other programs on the same class path
 * (the plugin indexer) get logback's own provider, which finds {@link StowageLogConfigurator}.
 */
public final class StowageLogProvider implements SLF4JServiceProvider {
    private final LoggerContext context = new LoggerContext();
    private final IMarkerFactory markers = new BasicMarkerFactory();
    private final LogbackMDCAdapter mdc = new LogbackMDCAdapter();

    @Override
    public ILoggerFactory getLoggerFactory() {
        return context;
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return markers;
    }

    @Override
    public MDCAdapter getMDCAdapter() {
        return mdc;
    }

    @Override
    public String getRequestedApiVersion() {
        return "2.0.99";
    }

    @Override
    public void initialize() {
        context.setName("default");
        context.setMDCAdapter(mdc);
        LogSetup.defaults(context);
        context.start();
    }
}
