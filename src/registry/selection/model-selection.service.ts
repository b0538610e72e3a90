import { Inject, Injectable } from '@nestjs/common';
import { RegistrySettings } from '../kernel/registry-settings';
import { REGISTRY_SETTINGS } from '../kernel/registry-tokens';
import { HalfOpenTrials } from './half-open-trials';
import { RegistryMetrics } from '../metrics/registry-metrics';
import type { AvailableModel } from '../snapshot/availability';
import { AvailabilityService, assertModelType } from './availability.service';
import type { ModelType } from '../snapshot/registry-snapshot';
import { RegistryStateService } from '../snapshot/registry-state.service';
import { planSelection, Selection, SelectionPlan, SelectionRequest, selectModel } from './select-model';
import { NoAvailableProviderError } from './selection.errors';
import { ModelTarget, planModel } from './plan-model';

/**
 * Which provider/model a request should use: the pure selectModel() over the in-memory snapshot,
 * so a selection does no database query. Throws NoAvailableProviderError listing every candidate.
 * A provider whose circuit is half-open gets only a few trial selections on this instance.
 */
@Injectable()
export class ModelSelectionService {
  private readonly trials: HalfOpenTrials;

  constructor(
    private readonly state: RegistryStateService,
    private readonly availability: AvailabilityService,
    private readonly metrics: RegistryMetrics,
    @Inject(REGISTRY_SETTINGS) settings: RegistrySettings,
  ) {
    this.trials = new HalfOpenTrials(
      () => settings.passiveHalfOpenCalls,
      () => settings.callTimeoutMs,
    );
  }

  select(request: SelectionRequest): Selection {
    assertModelType(request?.modelType, true);
    const snapshot = this.state.current();
    const now = request.now?.getTime() ?? Date.now();
    try {
      const selection = selectModel(snapshot, request, this.trials.exhausted(snapshot, now));
      this.trials.take(snapshot, selection.provider, now);
      this.metrics.selected(selection.source, selection.skipped);
      return selection;
    } catch (error) {
      if (error instanceof NoAvailableProviderError) this.metrics.noneAvailable(error.modelType, error.skipped);
      throw error;
    }
  }

  /** The chosen candidate and its fallbacks in order (planSelection), for a caller that retries the call elsewhere. */
  plan(request: SelectionRequest): SelectionPlan {
    assertModelType(request?.modelType, true);
    const snapshot = this.state.current();
    const now = request.now?.getTime() ?? Date.now();
    try {
      // Trials are taken per call actually made (takeTrial()), not for the candidates of a plan.
      const plan = planSelection(snapshot, request, this.trials.exhausted(snapshot, now));
      // Its skipped list runs past the chosen candidate (the whole walk): only the choice is counted.
      this.metrics.selected(plan.candidates[0].source, []);
      return plan;
    } catch (error) {
      if (error instanceof NoAvailableProviderError) this.metrics.noneAvailable(error.modelType, error.skipped);
      throw error;
    }
  }

  /**
   * The plan for a request that names its model (planModel): that provider's model alone, or every
   * provider offering the model id. NoAvailableProviderError when every offer is unavailable, with
   * each one's reason; UnknownModelError when nobody offers it.
   */
  planModel(modelType: ModelType, target: ModelTarget): SelectionPlan {
    assertModelType(modelType, true);
    const snapshot = this.state.current();
    const now = Date.now();
    const plan = planModel(snapshot, modelType, target, this.trials.exhausted(snapshot, now), now);
    if (plan.candidates.length === 0) {
      this.metrics.noneAvailable(modelType, plan.skipped);
      throw new NoAvailableProviderError(modelType, plan.skipped);
    }
    this.metrics.selected(plan.candidates[0].source, []);
    return plan;
  }

  /**
   * Before calling a candidate of a plan: false when it is half-open and this instance's trial calls
   * are taken (pass it over), true otherwise (a trial is taken if it is half-open).
   */
  takeTrial(provider: string, now = Date.now()): boolean {
    return this.trials.take(this.state.current(), provider, now);
  }

  getAvailableModels(modelType?: ModelType): AvailableModel[] {
    return this.availability.getAvailableModels(modelType);
  }
}
