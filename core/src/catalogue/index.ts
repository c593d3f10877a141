import type { ActionDoc, ApplicationDoc, Branch, CatalogueData, EventDoc, FunctionDoc } from './types';
import data from './data/catalogue.json';

export * from './types';

/** Case-insensitive lookups over the generated catalogue (Asterisk matches names case-insensitively). */
export class Catalogue {
  private readonly actionsByName = new Map<string, ActionDoc>();
  private readonly eventsByName = new Map<string, EventDoc>();
  private readonly applicationsByName = new Map<string, ApplicationDoc>();
  private readonly functionsByName = new Map<string, FunctionDoc>();

  constructor(readonly data: CatalogueData) {
    for (const action of data.actions) this.actionsByName.set(action.name.toLowerCase(), action);
    for (const event of data.events) this.eventsByName.set(event.name.toLowerCase(), event);
    for (const app of data.applications) this.applicationsByName.set(app.name.toLowerCase(), app);
    for (const fn of data.functions) this.functionsByName.set(fn.name.toLowerCase(), fn);
  }

  /** Branches covered, oldest first. */
  get branches(): readonly Branch[] {
    return this.data.branches;
  }

  /** The newest branch: the default target version. */
  get newestBranch(): Branch {
    return this.data.branches[this.data.branches.length - 1];
  }

  action(name: string): ActionDoc | undefined {
    return this.actionsByName.get(name.toLowerCase());
  }

  event(name: string): EventDoc | undefined {
    return this.eventsByName.get(name.toLowerCase());
  }

  application(name: string): ApplicationDoc | undefined {
    return this.applicationsByName.get(name.toLowerCase());
  }

  function(name: string): FunctionDoc | undefined {
    return this.functionsByName.get(name.toLowerCase());
  }
}

let shared: Catalogue | undefined;

/** The catalogue shipped with the extension, built once on first use. */
export function getCatalogue(): Catalogue {
  shared ??= new Catalogue(data);
  return shared;
}
