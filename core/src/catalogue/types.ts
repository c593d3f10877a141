/**
 * Shape of the generated catalogue (core/src/catalogue/data/catalogue.json), written by
 * scripts/generateCatalogue.ts from Asterisk's XML documentation. Text fields are Markdown.
 */

/** An Asterisk branch as named in the catalogue, e.g. "18", "20", "23". */
export type Branch = string;

/** One enumerated value of a parameter. */
export interface EnumValueDoc {
  name: string;
  description?: string;
}

/** A parameter of an action, an application, a function, or a field of an event. */
export interface ParamDoc {
  name: string;
  required?: boolean;
  default?: string;
  description?: string;
  enum?: EnumValueDoc[];
  /** The header may appear more than once in one message (Variable, ChanVariable...). */
  repeatable?: boolean;
  /** Branches in which this parameter exists; omitted when it exists in every branch of its parent. */
  branches?: Branch[];
}

/** A `<see-also><ref>` entry. */
export interface SeeAlso {
  /** 'manager', 'managerEvent', 'application', 'function', 'agi', or another kind the docs name. */
  type: string;
  name: string;
}

interface DocBase {
  name: string;
  synopsis: string;
  description?: string;
  /** Versions from `<since>`, as written (e.g. ["12.0.0", "11.5.0"]). */
  since?: string[];
  seeAlso?: SeeAlso[];
  /** Asterisk module that provides it (e.g. "builtin", "app_queue"). */
  module?: string;
  /** Branches that document this item. */
  branches: Branch[];
}

/** An AMI action (`<manager>`). */
export interface ActionDoc extends DocBase {
  params: ParamDoc[];
  /** Events the action sends back as list items or final responses (from `<responses>`), if documented. */
  responseEvents?: string[];
}

/** An AMI event (`<managerEvent>`). */
export interface EventDoc extends DocBase {
  /** EVENT_FLAG_* class names, lower-cased without the prefix (e.g. "call", "system"). */
  classes?: string[];
  fields: ParamDoc[];
}

/** A dialplan application (`<application>`). */
export interface ApplicationDoc extends DocBase {
  /** One-line call syntax, e.g. `Dial(Technology/Resource[&...],timeout,options)`. */
  syntax?: string;
  params?: ParamDoc[];
}

/** A dialplan function (`<function>`). */
export interface FunctionDoc extends DocBase {
  syntax?: string;
  params?: ParamDoc[];
}

/** The whole generated file. */
export interface CatalogueData {
  /** Says the file is generated and from what; never edit by hand. */
  $comment: string;
  /** Branches covered, oldest first; the last one is the default target. */
  branches: Branch[];
  actions: ActionDoc[];
  events: EventDoc[];
  applications: ApplicationDoc[];
  functions: FunctionDoc[];
}
