package dev.zkscope.quant;

/** What calibration optimises, as in EZKL's calibrate-settings: small scales and tables, or precision. */
public enum Target { RESOURCES, ACCURACY }
