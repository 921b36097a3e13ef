package org.stowage.spi;

/** The value types of driver options, as oslo.config knows them. */
public enum OptionType {
    /** Free text ({@code StrOpt}). */
    STRING,
    /** A whole number ({@code IntOpt}); may carry a minimum and maximum. */
    INTEGER,
    /** {@code true/1/on/yes} or {@code false/0/off/no}, any case ({@code BoolOpt}). */
    BOOLEAN,
    /** A comma-separated list ({@code ListOpt}). */
    LIST,
    /** Comma-separated {@code key:value} pairs ({@code DictOpt}). */
    DICT,
    /** An option that may be given several times; every value is kept ({@code MultiStrOpt}). */
    MULTI_STRING
}
